# Shortcuts for the scripts (make is optional: the README uses the scripts directly).
.PHONY: demo test bench run lint jingles
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh
bench:
	bash scripts/bench.sh
run:
	bash scripts/setup.sh runtime && .venv/bin/broadcaster run
lint:
	.venv/bin/ruff check broadcaster tests scripts benchmarks
jingles:
	.venv/bin/python scripts/make_jingles.py
