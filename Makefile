# kraftlab — one non-recursive Makefile; every object goes under $(BUILD)/.
#
#   make run       install what is missing, build, run the quickstart scenario
#   make test      install what is missing, build, run every test
#   make lint      forbidden calls in the model, layering, formatting
#   make asan      the unit tests under AddressSanitizer + UBSan
#   make bench     speed and memory figures (tests/bench/), build/bench.json
#   make install   copy build/kraftlab to $(PREFIX)/bin
#
# The model (sim/ outside sim/cli/) is compiled without the SDL and cairo flags, so an
# #include of either fails to compile there (style C.2).

BUILD    ?= build
CC       ?= cc
OPT      ?= -O2 -g
PREFIX   ?= /usr/local
SCENARIO ?= scenarios/quickstart.json

REVISION := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# The revision lives in a generated header rewritten only when it changes.
GEN := $(BUILD)/gen
$(shell mkdir -p $(GEN) && echo '#define SIM_REVISION "$(REVISION)"' > $(GEN)/rev.tmp && \
        (cmp -s $(GEN)/rev.tmp $(GEN)/sim_revision.h || mv $(GEN)/rev.tmp $(GEN)/sim_revision.h))

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wimplicit-fallthrough -Wno-sign-conversion -Wno-format-nonliteral
ifeq ($(CI),true)
WARN += -Werror
endif

BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) -ffp-contract=off \
               -MMD -MP -I$(GEN) $(EXTRA_CFLAGS)
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
CRITERION_LIBS := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)
# Only viz/, the CLI and the viewer tests see SDL and cairo.
VIZ_CFLAGS := $(shell pkg-config --cflags sdl2 cairo 2>/dev/null)
VIZ_LIBS   := $(shell pkg-config --libs sdl2 cairo 2>/dev/null || echo -lSDL2 -lcairo)

# Model layers: no jansson, no SDL, no cairo.
MODEL_DIRS := sim/core sim/net sim/raft sim/kafka sim/check sim/world
MODEL_SRCS := $(wildcard $(addsuffix /*.c,$(MODEL_DIRS)))
SCN_SRCS   := $(wildcard sim/scenario/*.c)
CLI_SRCS   := $(wildcard sim/cli/*.c)
TEST_SRCS  := $(wildcard tests/unit/*.c)
VIZ_SRCS   := $(wildcard viz/*.c)
VTEST_SRCS := $(wildcard tests/viz/*.c)

MODEL_OBJS := $(MODEL_SRCS:%.c=$(BUILD)/%.o)
SCN_OBJS   := $(SCN_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS   := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS  := $(TEST_SRCS:%.c=$(BUILD)/%.o)
VIZ_OBJS   := $(VIZ_SRCS:%.c=$(BUILD)/%.o)
VTEST_OBJS := $(VTEST_SRCS:%.c=$(BUILD)/%.o)
LIBSIM     := $(BUILD)/libsim.a

.PHONY: all sim cli run test unit deps lint asan bench install clean format check sweep \
        update-golden fuzz
.DEFAULT_GOAL := all

all: $(BUILD)/kraftlab $(BUILD)/unit_tests $(BUILD)/viz_tests

sim: $(LIBSIM)
cli: $(BUILD)/kraftlab

$(BUILD)/sim/scenario/%.o: sim/scenario/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(JANSSON_CFLAGS) -c $< -o $@

$(BUILD)/sim/cli/%.o: sim/cli/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(JANSSON_CFLAGS) $(VIZ_CFLAGS) -c $< -o $@

$(BUILD)/viz/%.o: viz/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(VIZ_CFLAGS) -c $< -o $@

$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(JANSSON_CFLAGS) $(VIZ_CFLAGS) -c $< -o $@

$(LIBSIM): $(MODEL_OBJS) $(SCN_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/kraftlab: $(CLI_OBJS) $(VIZ_OBJS) $(LIBSIM)
	$(CC) $(OPT) $(EXTRA_LDFLAGS) -o $@ $(CLI_OBJS) $(VIZ_OBJS) $(LIBSIM) $(JANSSON_LIBS) \
	    $(VIZ_LIBS) -lm

$(BUILD)/viz_tests: $(VTEST_OBJS) $(VIZ_OBJS) $(LIBSIM)
	$(CC) $(OPT) $(EXTRA_LDFLAGS) -o $@ $(VTEST_OBJS) $(VIZ_OBJS) $(LIBSIM) $(JANSSON_LIBS) \
	    $(VIZ_LIBS) $(CRITERION_LIBS) -lm

$(BUILD)/unit_tests: $(TEST_OBJS) $(LIBSIM)
	$(CC) $(OPT) $(EXTRA_LDFLAGS) -o $@ $(TEST_OBJS) $(LIBSIM) $(JANSSON_LIBS) \
	    $(CRITERION_LIBS) -lm

# ---------------------------------------------------------------------------------
# Packages. Debian and Ubuntu: installed with apt-get (root) or sudo apt-get.
# ---------------------------------------------------------------------------------
DEB_PACKAGES := libsdl2-dev libcairo2-dev libjansson-dev libcriterion-dev pkg-config \
                clang clang-format python3-jsonschema xvfb

deps:
	@sh tests/tools/deps.sh $(DEB_PACKAGES)

# ---------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory all
	@sh tests/tools/run-default.sh $(BUILD)/kraftlab $(SCENARIO)

install: $(BUILD)/kraftlab
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/kraftlab $(DESTDIR)$(PREFIX)/bin/kraftlab

# ---------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@sh tests/tools/scenario-tests.sh $(BUILD)/kraftlab
	@/usr/bin/python3 tests/tools/schema-test.py
	@sh tests/tools/partition-cli.sh $(BUILD)/kraftlab
	@sh tests/tools/assign-cli.sh $(BUILD)/kraftlab
	@sh tests/viz/render-cli.sh $(BUILD)/kraftlab
	@sh tests/viz/watch-xvfb.sh $(BUILD)/kraftlab
	@sh tests/tools/determinism.sh

unit: $(BUILD)/unit_tests $(BUILD)/viz_tests $(BUILD)/kraftlab
	KRAFTLAB=$(BUILD)/kraftlab $(BUILD)/unit_tests --jobs 2
	KRAFTLAB=$(BUILD)/kraftlab $(BUILD)/viz_tests --jobs 2

check: lint test

asan:
	$(MAKE) --no-print-directory BUILD=build/asan OPT='-O1 -g' \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-omit-frame-pointer' \
	    EXTRA_LDFLAGS='-fsanitize=address,undefined' all
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    KRAFTLAB=build/asan/kraftlab build/asan/unit_tests --jobs 2
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    KRAFTLAB=build/asan/kraftlab build/asan/viz_tests --jobs 2
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
	    sh tests/tools/scenario-tests.sh build/asan/kraftlab

SEEDS ?= 500
sweep: $(BUILD)/kraftlab
	$(BUILD)/kraftlab sweep scenarios/chaos-quorum.json --seeds 1..$(SEEDS) -j 2

$(BUILD)/bench_viz: $(BUILD)/tests/bench/bench_viz.o $(VIZ_OBJS) $(LIBSIM)
	$(CC) $(OPT) -o $@ $^ $(JANSSON_LIBS) $(VIZ_LIBS) -lm

bench:
	@$(MAKE) --no-print-directory all $(BUILD)/bench_viz
	@sh tests/bench/bench.sh $(BUILD)/kraftlab

# Fuzz the scenario loader with libFuzzer (clang): FUZZ_SECONDS of new inputs, seeded
# with the shipped scenarios and the bad cases. Not part of make test (it has no end).
FUZZ_SECONDS ?= 60
fuzz:
	@mkdir -p build/fuzz/corpus
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	    -I build/gen $(JANSSON_CFLAGS) tests/fuzz/fuzz_scenario.c sim/scenario/*.c \
	    sim/core/*.c $(JANSSON_LIBS) -o build/fuzz/fuzz_scenario
	cp scenarios/*.json build/fuzz/corpus/
	for d in tests/bad_scenarios/*/; do cp "$$d/input.json" "build/fuzz/corpus/$$(basename $$d).json"; done
	build/fuzz/fuzz_scenario -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus

update-golden: $(BUILD)/kraftlab $(BUILD)/unit_tests
	@sh tests/tools/scenario-tests.sh $(BUILD)/kraftlab --update
	@sh tests/tools/update-bad-scenarios.sh $(BUILD)/unit_tests

# ---------------------------------------------------------------------------------
# Lint: forbidden calls in the model, JSON kept out of the model layers, formatting.
# ---------------------------------------------------------------------------------
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

lint:
	@sh tests/tools/lint.sh $(MODEL_DIRS)
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "lint: formatting ok"

format:
	clang-format -i $(FORMAT_SRCS)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
