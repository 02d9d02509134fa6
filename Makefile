# dangjian: one C11 binary. `make run` = deps + build + demo + serve; `make test` = every test.
PKGS := libmicrohttpd jansson sqlite3 libpq libsodium libzip expat xlsxwriter pangocairo cairo-pdf libqrencode
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD := build
OPT := -O2
else
BUILD := build-san
OPT := -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif
WERROR := $(if $(CI),-Werror,)
CC ?= cc
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings \
	-Wformat=2 -fno-common -Wno-format-nonliteral $(WERROR)
CPPFLAGS := -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS := -std=c11 -g $(OPT) $(WARN) -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE),)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

LIB_SRC := $(sort $(wildcard src/util/*.c src/store/*.c src/domain/*.c src/api/*.c src/http/*.c src/io/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/sql_embed.o $(BUILD)/gen/web_embed.o
SQL_FILES := $(sort $(wildcard src/store/sql/*.sql))
WEB_FILES := $(sort $(shell find web -type f 2>/dev/null))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# shared test fixtures, linked into every test binary (see each header for who owns what)
TEST_SUPPORT := $(sort $(wildcard tests/unit/support/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:tests/unit/support/%.c=$(BUILD)/tests/support/%.o)

.PHONY: all run test test-unit test-api bench bench-province clean deps sanitize
all: $(BUILD)/dangjian $(UNIT_BIN)
	@ln -sf $(BUILD)/dangjian dangjian

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# The embedded file lists: rewritten only when a file is added or removed, so a new file
# whose mtime is older than the generated source (a checkout, a copy) still regenerates it.
$(shell mkdir -p $(BUILD)/gen; for l in sql:'$(SQL_FILES)' web:'$(WEB_FILES)'; do f=$(BUILD)/gen/$${l%%:*}.list; \
	printf '%s\n' "$${l#*:}" | cmp -s - $$f || printf '%s\n' "$${l#*:}" > $$f; done)

$(BUILD)/gen/sql_embed.c: $(SQL_FILES) $(BUILD)/gen/sql.list $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed embedded_sql src/store/sql/ $(SQL_FILES) > $@

$(BUILD)/gen/web_embed.c: $(WEB_FILES) $(BUILD)/gen/web.list $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed embedded_web web/ $(WEB_FILES) > $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) -std=c11 -O0 -c $< -o $@

$(BUILD)/libdangjian.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/dangjian: $(BUILD)/src/main.o $(BUILD)/libdangjian.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/support/%.o: tests/unit/support/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT_OBJ) $(BUILD)/libdangjian.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(BUILD)/libdangjian.a $(LDLIBS) -lcmocka

deps:
	@sh tools/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@if [ -f demo.db ]; then echo "demo.db exists (logins: admin / Admin#2026, town admins mengzhuang|yongan|gaoqiao / Town#2026); rm demo.db* to recreate"; \
	 else ./$(BUILD)/dangjian demo --db sqlite:demo.db; fi
	./$(BUILD)/dangjian serve --db sqlite:demo.db --listen 127.0.0.1:8080

# Every test: unit (cmocka), API on SQLite and on a private PostgreSQL, browser.
test: deps
	@$(MAKE) --no-print-directory all
	@bash tests/run.sh $(BUILD)

test-unit: all
	@bash tests/run.sh $(BUILD) unit

sanitize:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined all
	@bash tests/run.sh build-san unit api-sqlite

bench: all
	@bash bench/run.sh $(BUILD)

# the province-size subtree reports against their straightforward SQL (bench/province.sh:
# DJ_PROVINCE_MEMBERS, default 1,000,000; DJ_PROVINCE_DB reuses a database; DJ_BENCH_PG=1 on
# a private PostgreSQL)
bench-province: $(BUILD)/dangjian
	@bash bench/province.sh $(BUILD)

# --- fuzzing (helper F; tests/fuzz/) --------------------------------------------------
# `make fuzz`: one libFuzzer binary per tests/fuzz/fuzz_<target>.c in $(FUZZ_BUILD)/fuzz/, linked
# against the library rebuilt there by clang with coverage, ASan and UBSan. `make fuzz-run`
# runs each for FUZZ_SECONDS over its seeds tests/fuzz/corpus/<target>/ (new inputs go to a
# scratch dir, not the repo); a crash, leak or timeout fails and keeps the input.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 15
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-bins fuzz-run
fuzz:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SANITIZE= \
		OPT="-O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=fuzzer,address,undefined" fuzz-bins

# (fuzz-bins only through `make fuzz`, which sets the compiler and flags)
fuzz-bins: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libdangjian.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libdangjian.a $(LDLIBS)

fuzz-run: fuzz
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
-include $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%.d)
# --- end fuzzing ----------------------------------------------------------------------

clean:
	rm -rf build build-san dangjian

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d $(TEST_SUPPORT_OBJ:.o=.d) $(UNIT_BIN:=.d)
