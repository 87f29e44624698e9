# hitlai -- PGXS build.  `make && make install`, `make installcheck` (needs a running server).
# CMakeLists.txt builds and installs the same files; see README "Building".

EXTENSION  = hitlai
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

# The install script of the current version is assembled from sql/install/*.sql (one part
# per concern, applied in file-name order).  Upgrade scripts (hitlai--A--B.sql) and the
# frozen install scripts of released versions are committed as they are.
INSTALL_PARTS = $(sort $(wildcard sql/install/*.sql))
DATA_built    = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA          = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))

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
SHLIB_LINK  = -lboost_json -lstdc++
EXTRA_CLEAN = build/regress

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

$(DATA_built): $(INSTALL_PARTS) $(EXTENSION).control Makefile
	@mkdir -p $(dir $@)
	{ printf '%s\n' '-- hitlai $(EXTVERSION) install script: generated from sql/install/*.sql, do not edit.' \
	    '\echo Use "CREATE EXTENSION hitlai" to load this file. \quit'; \
	  for f in $(INSTALL_PARTS); do printf '\n%s\n' "-- ==== $$f ===="; cat $$f; done; } > $@

$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)

installcheck: | build-regress-dir
build-regress-dir:
	@mkdir -p build/regress

.PHONY: build-regress-dir
