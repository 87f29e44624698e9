# hitlai -- PGXS build.  `make && make install`, `make installcheck` (needs a running server).
# CMakeLists.txt builds and installs the same files; see README "Building".

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

# pg_regress suites: every sql/*.sql that is not an extension script.
REGRESS      = $(sort $(basename $(notdir $(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --outputdir=build/regress

HITLAI_CXXFLAGS = -std=c++17 -Isrc -DHITLAI_VERSION='"$(EXTVERSION)"' \
                  -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
                  -Wno-clobbered -fvisibility-inlines-hidden
ifeq ($(WERROR),1)
HITLAI_CXXFLAGS += -Werror
endif
PG_CXXFLAGS = $(HITLAI_CXXFLAGS)
SHLIB_LINK  = -lboost_json -lcrypto -lcurl -lstdc++
EXTRA_CLEAN = build/regress build/sql.stamp

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

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
