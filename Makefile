# hitlai -- PGXS build.  `make && make install`; against a running server (PGHOST etc.):
# `make installcheck` (pg_regress, test/sql + test/expected) and `make installcheck-pgtap`
# (pgTAP suites, test/pgtap). `make format-check`, `make dist` (PGXN zip).
# CMakeLists.txt builds and installs the same files; see CONTRIBUTING.md.

EXTENSION  = hitlai
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

# Install and upgrade scripts are assembled by scripts/assemble_sql.sh from
# sql/install/<version>/*.sql (one part per concern; each version a delta on the one
# before): sql/hitlai--$(EXTVERSION).sql for a fresh install of every version, and
# sql/hitlai--<prev>--<version>.sql for each upgrade step.
INSTALL_PARTS = $(sort $(wildcard sql/install/*.sql sql/install/*/*.sql sql/install/*/base/*.sql))
DATA_built    = $(addprefix sql/,$(shell scripts/assemble_sql.sh --list))

MODULE_big = $(EXTENSION)
SRCS       = $(sort $(wildcard src/core/*.cpp src/pg/*.cpp))
OBJS       = $(SRCS:.cpp=.o)

# pg_regress suites: test/sql/<name>.sql, compared with test/expected/<name>.out.
REGRESS      = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --outputdir=build/regress

HITLAI_CXXFLAGS = -std=c++17 -Isrc -DHITLAI_VERSION='"$(EXTVERSION)"' \
                  -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
                  -Wno-clobbered -fvisibility=hidden -fvisibility-inlines-hidden
ifeq ($(WERROR),1)
HITLAI_CXXFLAGS += -Werror
endif
PG_CXXFLAGS = $(HITLAI_CXXFLAGS)
SHLIB_LINK  = -lboost_json -lcrypto -lcurl -lstdc++
# Only PostgreSQL's entry points are exported (symbols hidden by default, and the version
# script makes everything else local); the hardening flags come from pg_config.
SHLIB_LINK += -Wl,--version-script=$(srcdir)/src/pg/hitlai.map
EXTRA_CLEAN = build/regress build/sql.stamp

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
# JIT bitcode is built only when the clang that PGXS names exists (as in CMakeLists.txt):
# the PGXS files of a newer Debian release (PostgreSQL 17/18 headers used on Debian 12,
# docs/platforms.md) name a clang this system does not have.
PG_CLANG := $(shell sed -n 's/^CLANG *= *//p' $(dir $(PGXS))../Makefile.global 2>/dev/null)
ifeq ($(wildcard $(firstword $(PG_CLANG))),)
override with_llvm = no
endif
include $(PGXS)

# CFLAGS and CXXFLAGS come from the PGXS files. Those of PostgreSQL 17/18 from a newer
# Debian (used on Debian 12 by scripts/test.sh, docs/platforms.md) carry flags an older
# compiler refuses: -fexcess-precision=standard (g++ before 13 rejects it for C++; it
# only matters for x87 arithmetic, not x86-64's SSE) and -Wmissing-variable-declarations
# (a warning gcc before 14 does not know). Each is dropped only when this compiler
# refuses it.
HL_NEWER_FLAGS = -fexcess-precision=standard -Wmissing-variable-declarations
hl_refused = $(foreach f,$(filter $(HL_NEWER_FLAGS),$(2)),$(if $(shell $(1) $(f) -x $(3) -c -o /dev/null /dev/null >/dev/null 2>&1 && echo ok),,$(f)))
override CFLAGS := $(filter-out $(call hl_refused,$(CC),$(CFLAGS),c),$(CFLAGS))
override CXXFLAGS := $(filter-out $(call hl_refused,$(CXX),$(CXXFLAGS),c++),$(CXXFLAGS))

# Debian's PostgreSQL is built --with-llvm: PGXS also compiles every .cpp to bitcode with
# clang, using BITCODE_CXXFLAGS (not PG_CXXFLAGS).  C++17 needs the same dialect there;
# `register` in PostgreSQL's headers is only a warning in C++17 mode.
BITCODE_CXXFLAGS += -std=c++17 -Isrc -DHITLAI_VERSION='"$(EXTVERSION)"' -Wno-register
ifeq ($(WERROR),1)
BITCODE_CXXFLAGS += -Werror
endif

$(DATA_built): build/sql.stamp
# (the version directories are prerequisites too: removing a part changes their mtime)
build/sql.stamp: $(INSTALL_PARTS) $(wildcard sql/install/*/) $(EXTENSION).control scripts/assemble_sql.sh
	@mkdir -p build
	scripts/assemble_sql.sh sql
	@touch $@

$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)
# HITLAI_VERSION comes from the control file.
$(OBJS): $(EXTENSION).control

installcheck: | build-regress-dir
build-regress-dir:
	@mkdir -p build/regress

.PHONY: build-regress-dir

# pgTAP suites (test/pgtap/*.sql) with pg_prove, against a running server. The database
# PGTAP_DB must exist with the extensions pgtap and hitlai installed (scripts/test.sh
# prepares hitlai_test and hitlai_supabase; see CONTRIBUTING.md).
PGTAP_DB    ?= hitlai_test
PGTAP_TESTS ?= $(sort $(wildcard test/pgtap/*.sql))
PG_PROVE    ?= pg_prove
installcheck-pgtap:
	$(PG_PROVE) -d $(PGTAP_DB) --pset tuples_only=1 $(PGTAP_TESTS)

# Whitespace rules of .editorconfig over every tracked text file (scripts/format_check.sh).
format-check:
	bash scripts/format_check.sh

# PGXN release zip of the committed tree (HEAD): build/dist/hitlai-<version>.zip, with
# every file under hitlai-<version>/. Uncommitted changes are not in it.
DIST_NAME = $(EXTENSION)-$(EXTVERSION)
dist:
	@mkdir -p build/dist
	git archive --format=zip --prefix=$(DIST_NAME)/ -o build/dist/$(DIST_NAME).zip HEAD
	@echo build/dist/$(DIST_NAME).zip

.PHONY: installcheck-pgtap format-check dist

# The shared library is relinked when the version script changes.
$(shlib): src/pg/hitlai.map
