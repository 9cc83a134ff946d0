# vigil: one non-recursive makefile (STYLE.md §10).
#   make            build build/vigil (and build/vigild, the same program under its service name)
#   make check      unit, golden, corpus, fuzz-replay, compatibility, vigild (boto3 API,
#                   kill -9, PostgreSQL) and workbench (Chromium) tests, then the unit, golden and
#                   fuzz-replay tests again under ASan+UBSan (build-san/)
#   make enrich-data  fetch free address-owner data (ip-location-db, npm registry) into data/enrich
#   make demo       generate two days of multi-account CloudTrail, VPC Flow Logs and Route 53
#                   Resolver query logs with attacks injected, scan them, then deliver them to
#                   vigild and read its findings through the API
#   make bench-vigild  vigild at 50,000 CloudTrail events/s + 500,000 flow records/s
#   make bench-baselines  false positives per 1,000 principals per day and memory of the IAM
#                   behaviour baselines (30 days of 1,000 generated principals)
#   make bench      end-to-end throughput (CloudTrail, flow logs, DNS query logs) next to
#                   libdeflate-gunzip, jansson, gzip and wc on the same files; CloudTrail with
#                   every shipped rule and 500 generated user rules against the detectors alone
#   make fuzz       libFuzzer targets (clang); FUZZ_SECONDS=N per target
#   make check-pg   vigild on a throwaway PostgreSQL: store suite, API, two vigilds, a restart
#   make lint       layering, event-time and header-alone checks
#   make format / format-check

CC ?= cc
SANITIZE ?=
BUILD ?= $(if $(SANITIZE),build-san,build)
PKGS := libdeflate zlib yaml-0.1 libpsl sqlite3 libmicrohttpd libmaxminddb libhs libnats libpq
TEST_PKGS := cmocka jansson

# Install missing Debian packages before the first compile (a no-op when they are present).
DEPS_STAMP := build/.deps-ok
ifeq ($(filter format format-check clean help,$(MAKECMDGOALS)),)
  ifeq ($(wildcard $(DEPS_STAMP)),)
    $(shell scripts/install-deps.sh >&2 && mkdir -p build && touch $(DEPS_STAMP))
  endif
endif

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes -Wvla \
        -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ifdef CI
  WARN += -Werror
endif
ifneq ($(WERROR),)
  WARN += -Werror
endif
ALL_CFLAGS := -std=gnu17 $(WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen -MMD -MP \
              $(shell pkg-config --cflags $(PKGS))
LIBS := $(shell pkg-config --libs $(PKGS)) -lm -pthread
ifneq ($(SANITIZE),)
  ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer \
                -DVG_ARENA_DEBUG
  LDFLAGS += -fsanitize=$(SANITIZE)
endif

STAGES := core ingest parse enrich rules detect findings store api pipeline simulate config
LIB_SRC := $(filter-out %_test.c,$(foreach s,$(STAGES),$(wildcard src/$(s)/*.c)))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/catalog_gen.o \
           $(BUILD)/obj/gen/web_assets.o $(BUILD)/obj/gen/rule_files.o
WEB_FILES := $(sort $(wildcard src/api/web/*))
RULE_FILES := $(sort $(wildcard rules/*.yml))
CLI_SRC := $(wildcard src/cli/*.c)
CLI_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(CLI_SRC))
TEST_SRC := $(foreach s,$(STAGES),$(wildcard src/$(s)/*_test.c))
TEST_BIN := $(patsubst src/%.c,$(BUILD)/tests/%,$(TEST_SRC))
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/replay_%,$(FUZZ_TARGETS))

VIGIL := $(BUILD)/vigil
VIGILD := $(BUILD)/vigild

.PHONY: enrich-data check-enrich-data all check check-unit check-golden check-rules check-corpus check-read-ahead check-tsan check-threads check-fuzz-replay check-compat check-sigma check-service check-pg check-cluster check-web \
        service-kill9 bench-vigild bench-cluster check-san dga-eval \
        demo bench bench-baselines fuzz lint format format-check golden-update clean
all: $(VIGIL) $(VIGILD)

$(BUILD)/gen/catalog_gen.h $(BUILD)/gen/catalog_gen.c: src/findings/catalog.tsv scripts/gen_catalog.awk
	@mkdir -p $(BUILD)/gen
	awk -f scripts/gen_catalog.awk -v out_h=$(BUILD)/gen/catalog_gen.h \
	    -v out_c=$(BUILD)/gen/catalog_gen.c src/findings/catalog.tsv

$(BUILD)/gen/web_assets.c: $(WEB_FILES) scripts/embed.sh
	@mkdir -p $(BUILD)/gen
	scripts/embed.sh $@ api/web.h vg_web_assets $(WEB_FILES)

$(BUILD)/gen/rule_files.c: $(RULE_FILES) scripts/embed.sh
	@mkdir -p $(BUILD)/gen
	scripts/embed.sh $@ rules/builtin.h vg_rule_files $(RULE_FILES)

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/gen/catalog_gen.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(VIGIL): $(CLI_OBJ) $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvigil.a $(LIBS)

# vigild is vigil under another name: main() runs `serve` when called vigild
$(VIGILD): $(VIGIL)
	ln -f $< $@

$(BUILD)/tests/%: src/%.c $(BUILD)/libvigil.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libvigil.a $(LIBS) $(shell pkg-config --libs $(TEST_PKGS))

# Fuzz targets without libFuzzer: fuzz/driver.c replays every file of the committed corpus.
$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/driver.c $(BUILD)/libvigil.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ fuzz/driver.c $< $(BUILD)/libvigil.a $(LIBS)

check-unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; $$t; done

check-golden: $(VIGIL)
	@tests/golden/run.sh $(VIGIL)

# every rule's own tests, and the opt-in rules against the Stratus Red Team detonations
check-rules: $(VIGIL)
	@$(VIGIL) rules test
	@tests/rules/stratus.sh $(VIGIL)

check-fuzz-replay: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    $(BUILD)/fuzz/replay_$$t fuzz/corpus/$$t; done

check-corpus: $(VIGIL)
	@tests/parse/corpus.sh cloudtrail $(VIGIL)
	@tests/parse/corpus.sh vpcflow $(VIGIL)
	@tests/parse/corpus.sh route53 $(VIGIL)

# parsing ahead on a second thread changes nothing but the speed
check-read-ahead: $(VIGIL)
	@tests/parse/read_ahead.sh $(VIGIL)

check-compat: $(VIGIL) $(BUILD)/tests/findings/sample_test
	@tests/compat/run.sh $(VIGIL) $(BUILD)/tests/findings/sample_test

# vigild: the API through boto3, and kill -9 at 20 random points of a two-day corpus
check-service: $(VIGIL) $(VIGILD)
	@tests/api/run.sh $(VIGILD)
	@tests/service/kill9.sh $(VIGILD) 20 --accounts 1 --principals 8 --days 2 \
	    --events-per-day 5000 --flows-per-day 40000 --dns-per-day 8000

# the cluster: publishing splits objects without changing a finding or its evidence, and 3
# workers on a 3-node NATS cluster and PostgreSQL survive killed workers, a killed NATS server,
# a frozen worker and a store restart with exactly vigil scan's findings
check-cluster: $(VIGIL) $(VIGILD)
	@tests/cluster/publish.sh $(VIGIL)
	@tests/cluster/run.sh $(VIGIL) --accounts 12 --days 2 --events-per-day 2000 \
	    --flows-per-day 10000 --dns-per-day 2000

# throughput of 1, 2 and 3 cluster workers against vigil scan of the same files
bench-cluster: $(VIGIL) $(VIGILD)
	@bench/bench_cluster.sh $(VIGIL)

# the full kill -9 run of the issue-8 closing note: 3 accounts, 3 days, 40 kills
service-kill9: $(VIGIL) $(VIGILD)
	@tests/service/kill9.sh $(VIGILD) 40 --accounts 3 --principals 20 --days 3

# the workbench in Chromium: list, detail, filters, archive, hostile log text; screenshots in
# $(BUILD)/web
check-web: $(VIGIL)
	@tests/web/run.sh $(VIGIL) $(BUILD)/web

# Sigma rules through `vigil rules import-sigma`: counts, refusal reasons, the output loads
check-sigma: $(VIGIL)
	@tests/sigma/run.sh $(VIGIL)

# vigild on PostgreSQL: a throwaway server, the store suite's PostgreSQL leg, the API tests, two
# vigilds on one database, a server restart while vigild reads (tests/store/check_pg.sh)
check-pg: $(VIGIL) $(VIGILD) $(BUILD)/tests/store/store_test
	@tests/store/check_pg.sh $(VIGILD) $(BUILD)/tests/store/store_test

# the threaded code (read-ahead, parse-ahead) under ThreadSanitizer: a data race fails it
check-tsan:
	$(MAKE) SANITIZE=thread BUILD=build-tsan CFLAGS="-O1 -g" check-threads

check-threads: $(BUILD)/tests/ingest/read_ahead_test check-read-ahead
	@$(BUILD)/tests/ingest/read_ahead_test

check-san:
	$(MAKE) SANITIZE=address,undefined CFLAGS="-O1 -g" check-unit check-golden check-fuzz-replay \
	    check-read-ahead

check: check-enrich-data check-unit check-golden check-rules check-sigma check-corpus \
       check-read-ahead check-fuzz-replay check-compat check-service check-pg check-cluster check-web check-san \
       check-tsan
	@echo "make check: all suites passed"

# free address-owner data (ip-location-db, from the npm registry) for --ip-data: the unit
# tests read it when present, the browser tests and the demo use it
enrich-data:
	@scripts/enrich_data.sh data/enrich

# make check uses the data when it can get it; the tests that need it say they skip otherwise
check-enrich-data:
	@scripts/enrich_data.sh data/enrich || echo "check: no address data (no npm registry?): its tests skip"

golden-update: $(VIGIL)
	@tests/golden/run.sh --update $(VIGIL)

DEMO_DIR := build/demo
# the sample lists as `vigil simulate --help` says to load them
DEMO_LISTS = $$(scripts/demo_lists.sh $(DEMO_DIR))
# two days: the flow baseline scenarios come after a day of learning
# then vigild: the same logs delivered hour by hour into a followed folder, findings read
# back through the API as they arrive
demo: $(VIGIL) $(VIGILD)
	@scripts/enrich_data.sh data/enrich || echo "demo: no address data (offline?): findings will lack AS and country"
	@rm -rf $(DEMO_DIR)
	$(VIGIL) simulate --out $(DEMO_DIR) --accounts 3 --principals 25 --days 2 --attacks
	$(VIGIL) scan --format table $(DEMO_LISTS) $(DEMO_DIR)/AWSLogs; test $$? -le 1  # 1 means "findings", the point of a demo
	$(VIGIL) simulate --behaviour --attacks --principals 200 --days 14 --out $(DEMO_DIR)/behaviour
	$(VIGIL) scan --format table --ip-data $(DEMO_DIR)/behaviour/intel/aws-ip-ranges.json \
	    $(DEMO_DIR)/behaviour/AWSLogs; test $$? -le 1
	@scripts/demo_vigild.sh $(VIGILD) $(DEMO_DIR)

$(BUILD)/bench_jansson: bench/bench_jansson.c
	$(CC) $(ALL_CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs jansson) $(LIBS)

$(BUILD)/bench_intel: bench/bench_intel.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LIBS)

$(BUILD)/bench_parse_vpcflow: bench/bench_parse_vpcflow.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LIBS)

$(BUILD)/bench_parse_route53: bench/bench_parse_route53.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(shell pkg-config --cflags --libs jansson) \
	    $(LIBS)

$(BUILD)/bench_baseline: bench/bench_baseline.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LIBS)

# false positives and memory of the IAM behaviour baselines: 1,000 principals over 30 days
bench-baselines: $(BUILD)/bench_baseline
	@$(BUILD)/bench_baseline 1000 30

$(BUILD)/bench_psl: bench/bench_psl.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LIBS)

bench: $(VIGIL) $(BUILD)/bench_jansson $(BUILD)/bench_intel $(BUILD)/bench_parse_vpcflow \
       $(BUILD)/bench_parse_route53 $(BUILD)/bench_psl
	@bench/bench_cloudtrail.sh $(VIGIL)
	@bench/bench_rules.sh $(VIGIL)
	@bench/bench_vpcflow.sh $(VIGIL)
	@echo "== route 53 resolver query logs, end to end"
	@bench/bench_dns.sh $(VIGIL)
	@echo "== intel store"
	@$(BUILD)/bench_intel
	@echo "== vpc flow log parser"
	@$(BUILD)/bench_parse_vpcflow
	@echo "== route 53 resolver query log parser"
	@$(BUILD)/bench_parse_route53
	@echo "== public suffix list"
	@$(BUILD)/bench_psl

BENCH_ROUNDS ?= 6
# vigild under a steady load: sustained rates, file-to-findings latency, peak RSS
bench-vigild: $(VIGIL) $(VIGILD)
	@bench/bench_vigild.sh $(VIGILD) $(BENCH_ROUNDS)

$(BUILD)/dga_score: bench/dga_score.c $(BUILD)/libvigil.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LIBS)

# The DGA model's false-positive and detection rates (docs/dga-model.md); needs npm.
dga-eval: $(BUILD)/dga_score
	@bench/dga_eval.sh $(BUILD)/dga_score

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
fuzz: $(BUILD)/libvigil.a
	@mkdir -p build/fuzz-bin
	@set -e; for t in $(FUZZ_TARGETS); do \
	    $(MAKE) --no-print-directory -s build/fuzz-bin/fuzz_$$t; \
	    mkdir -p fuzz/corpus/$$t build/fuzz-work/$$t build/fuzz-crashes; \
	    build/fuzz-bin/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -timeout=10 -rss_limit_mb=4096 -artifact_prefix=build/fuzz-crashes/$$t- \
	        build/fuzz-work/$$t fuzz/corpus/$$t; done

FUZZ_LIB_SRC := $(LIB_SRC)
build/fuzz-bin/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_SRC) $(wildcard src/*/*.h) build/gen/catalog_gen.c \
                      build/gen/web_assets.c build/gen/rule_files.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS)) -DVG_ARENA_DEBUG -o $@ $< \
	    $(FUZZ_LIB_SRC) build/gen/catalog_gen.c \
	    build/gen/web_assets.c build/gen/rule_files.c $(LIBS)

lint: $(BUILD)/gen/catalog_gen.h
	@scripts/lint.sh

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'fuzz/*.c' 'bench/*.c')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' 'fuzz/*.c' 'bench/*.c')

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
