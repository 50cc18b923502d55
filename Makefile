# newmedia.mediastack: build, test and demo targets. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_FORCE_COLOR ?= false
export PY_COLORS ?= 0
# ansible-core 2.19 imports DSA support from cryptography, which deprecates it from release 48 on
# and warns on every ansible command; the warning is about ansible-core, not this collection, and
# would drown the warnings the tests look for (ansible-doc on our plugins). Only that one is hidden.
export PYTHONWARNINGS ?= ignore:DSA is deprecated:UserWarning
LAB := $(BIN)/python tests/lab/lab.py
DEMO_INVENTORY ?= inventories/lab
DEMO_HOSTS ?= lab1

# The stages of `make test`, in order.
TEST_STAGES := ruff lint sanity unit playbook molecule lab

.PHONY: help venv test $(TEST_STAGES) mutants docs fmt role lab-prepare lab-up lab-down lab-status demo bench \
	galaxy-build render clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## Create the toolchain virtualenv (once; again when requirements.txt changes)

$(VENV)/.installed: requirements.txt tools/host-deps.sh
	tools/host-deps.sh
	python3 -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

test: venv ## Run every test stage and print a summary with wall times
	$(BIN)/python tools/run_stages.py $(TEST_STAGES)

ruff: venv ## Lint and format-check the Python code
	ruff check .
	ruff format --check .

# Safe fixes only (no --unsafe-fixes); the last step fails on whatever needs a hand.
fmt: venv ## Format the Python code and apply ruff's safe fixes; fails on problems left to fix by hand
	ruff check --fix --exit-zero --quiet .
	ruff format .
	ruff check .

lint: venv ## ansible-lint, production profile, no skips
	ansible-lint --offline

sanity: venv ## ansible-test sanity on a copy laid out as ansible_collections/newmedia/mediastack
	tools/sanity.sh

unit: venv ## Pure unit tests of the filters, modules, stand-ins and tools (no ansible-playbook, no ansible-doc)
	pytest tests/unit

playbook: venv ## Tests that run ansible-playbook or ansible-doc: render, secrets, module docs and examples, role skeleton
	pytest tests/playbook

# Not a stage of `make test`: each break reruns its tests (a few minutes in all).
mutants: venv ## Break each guarded security setting once in a copy of the tree; every break must fail a test
	$(BIN)/python tools/mutants.py

docs: venv ## Build the collection docs with antsibull-docs into .build/docs/rst; fails on any docs warning
	tools/docs.sh

molecule: venv lab-prepare ## Every Molecule scenario: check, converge, idempotence, verify
	molecule test --all

# The playbook stage skips Compose's own check of the rendered projects until the lab has fetched the
# Compose plugin, so it runs here again, after lab-prepare, where it cannot skip.
lab: venv lab-prepare ## The lab tests: site.yml on lab hosts, bad inventories, the Galaxy path
	MEDIASTACK_LAB=1 pytest -p no:cacheprovider --durations=25 tests/lab \
		tests/playbook/test_render_playbook.py::test_compose_projects_pass_composes_own_check

lab-prepare: venv ## Start a Docker engine if none answers, build the lab images, fetch lab artefacts
	$(LAB) engine
	$(LAB) images
	$(LAB) artifacts

lab-up: lab-prepare ## Start the lab hosts named in DEMO_HOSTS (default lab1)
	$(LAB) up $(DEMO_HOSTS)

lab-down: venv ## Remove every lab host and the segment networks
	$(LAB) down

lab-status: venv ## Show the lab hosts and their addresses
	$(LAB) status

demo: lab-up ## Build the lab, deploy the whole platform into it, print each route, its host and health
	$(LAB) registry
	$(LAB) stack-images
	$(BIN)/python tests/lab/acme.py start
	ansible-playbook -i $(DEMO_INVENTORY) --limit "$(subst $() ,:,$(DEMO_HOSTS))" site.yml
	ansible-playbook -i $(DEMO_INVENTORY) --limit "$(subst $() ,:,$(DEMO_HOSTS))" playbooks/render.yml \
	  -e mediastack_render_dir=$(CURDIR)/.lab/demo
	$(BIN)/python tools/lab_report.py --inventory $(DEMO_INVENTORY) --limit "$(subst $() ,:,$(DEMO_HOSTS))" \
	  --plan .lab/demo/plan.yaml

bench: lab-prepare ## Time the deploy phase against plain docker compose, and a no-op re-run (printed)
	$(BIN)/python tools/bench.py --host $(firstword $(DEMO_HOSTS))

NAME ?=
role: venv ## Start roles/NAME and molecule/NAME from the skeletons in tools/ (NAME=...)
	tools/new_role.sh "$(NAME)"

galaxy-build: venv ## Build the collection tarball into .build/
	ansible-galaxy collection build --force --output-path .build

clean: lab-down ## Remove the lab, build outputs and the virtualenv
	rm -rf .build $(VENV)

INVENTORY ?= inventories/single-host
OUT ?= render
render: venv ## Write every file the deploy would write under OUT/<host>/ (INVENTORY=..., OUT=...)
	ansible-playbook -i "$(INVENTORY)" playbooks/render.yml -e "mediastack_render_dir=$(abspath $(OUT))"
