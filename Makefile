# stagecp: see README.md.  Targets: all check demo bench install clean.
# SANITIZE=1 builds with ASan and UBSan; V=1 prints full commands.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

VERSION := $(shell sed -n 's/^\#define STAGECP_VERSION "\(.*\)"/\1/p' \
	kmod-free/include/stagecp.h)
SOVERSION := 0

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wformat=2 -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-fvisibility=hidden -pthread -Ikmod-free/include -Ikmod-free
# libarchive reads the tar archives ADD extracts.
LDLIBS := -luring -lcap $(shell pkg-config --libs libarchive 2>/dev/null || \
	echo -larchive) -pthread

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
O := build/san
else
SAN :=
O := build/opt
endif

ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS) $(SAN)
ALL_LDFLAGS := $(LDFLAGS) $(SAN)

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRCS := $(sort $(wildcard kmod-free/*/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
LIB_PIC_OBJS := $(LIB_SRCS:%.c=$(O)/pic/%.o)
TOOL_SRCS := $(sort $(wildcard tool/*.c))
TOOL_OBJS := $(TOOL_SRCS:%.c=$(O)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(O)/tests/helpers/%)

STATIC_LIB := kmod-free/libstagecp.a
SHARED_LIB := kmod-free/libstagecp.so
TOOL := tool/stagecp

# The artefacts are rebuilt whenever the flags change (SANITIZE=1 and back).
FLAGS_STAMP := $(O)/.flags
$(shell mkdir -p $(O) && echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' \
	| cmp -s - $(FLAGS_STAMP) || \
	echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $(FLAGS_STAMP))
# The fixed output paths are shared by both builds: remember which one
# they hold.
BUILT_STAMP := build/.built-for
$(shell mkdir -p build && echo '$(O)' | cmp -s - $(BUILT_STAMP) || \
	echo '$(O)' > $(BUILT_STAMP))

.PHONY: all check demo bench fuzz install uninstall clean deps deps-test deb \
	unit-tests helpers tests

all: $(STATIC_LIB) $(SHARED_LIB) $(TOOL)

# Before the first compile: the build packages are there, or the exact
# apt-get line that installs them (make deps does, as root).
DEPS_STAMP := $(O)/.deps-ok
$(DEPS_STAMP):
	@scripts/deps.sh --check build
	@touch $@

$(O)/%.o: %.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/pic/%.o: %.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC [pic] $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJS) $(BUILT_STAMP)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(SHARED_LIB): $(LIB_PIC_OBJS) kmod-free/libstagecp.map $(BUILT_STAMP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -Wl,-soname,libstagecp.so.$(SOVERSION) \
		-Wl,--version-script=kmod-free/libstagecp.map \
		$(ALL_LDFLAGS) -o $@ $(LIB_PIC_OBJS) $(LDLIBS)

$(TOOL): $(TOOL_OBJS) $(STATIC_LIB) $(BUILT_STAMP)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(TOOL_OBJS) $(STATIC_LIB) $(LDLIBS)

$(O)/tests/unit/%: tests/unit/%.c $(STATIC_LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) \
		-lcmocka $(LDLIBS)

$(O)/tests/helpers/%: tests/helpers/%.c $(STATIC_LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LDLIBS) \
		$(HELPER_LDLIBS)

# A real seccomp filter, as container runtimes set one up.
$(O)/tests/helpers/deny-syscall: HELPER_LDLIBS := -lseccomp

unit-tests: $(UNIT_BINS)
helpers: $(HELPER_BINS)
tests: all unit-tests helpers

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# Every test: unit programs first, then the integration scripts.
check: deps-test
	@$(MAKE) --no-print-directory tests
	@O=$(O) tests/run.sh $(UNIT_BINS) $(sort $(wildcard tests/integration/*.sh))

demo: deps-test
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

# Each libFuzzer harness for a while (FUZZ_SECONDS each, default 60).
fuzz:
	@scripts/deps.sh fuzz
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C bench
	@bench/run.sh $(BENCH_ARGS)

# The .pc file is written at install time: a file made earlier could
# hold another PREFIX or LIBDIR.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/stagecp
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libstagecp.a
	install -m 0755 $(SHARED_LIB) \
		$(DESTDIR)$(LIBDIR)/libstagecp.so.$(VERSION)
	ln -sf libstagecp.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/libstagecp.so.$(SOVERSION)
	ln -sf libstagecp.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libstagecp.so
	install -m 0644 kmod-free/include/stagecp.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		kmod-free/stagecp.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/stagecp.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/stagecp.pc
	install -m 0644 tool/stagecp.1 $(DESTDIR)$(MANDIR)/man1/stagecp.1
	install -m 0644 tool/stagecp-copy.7 \
		$(DESTDIR)$(MANDIR)/man7/stagecp-copy.7
	install -m 0644 tool/stagecp.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/stagecp

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stagecp $(DESTDIR)$(LIBDIR)/libstagecp.* \
		$(DESTDIR)$(INCLUDEDIR)/stagecp.h \
		$(DESTDIR)$(PKGCONFIGDIR)/stagecp.pc \
		$(DESTDIR)$(MANDIR)/man1/stagecp.1 \
		$(DESTDIR)$(MANDIR)/man7/stagecp-copy.7 \
		$(DESTDIR)$(BASHCOMPDIR)/stagecp

# Debian packages of the working tree, built from a copy in build/deb/
# (dpkg-buildpackage writes next to the source tree), held to lintian.
deb:
	rm -rf build/deb
	mkdir -p build/deb/stagecp
	tar --exclude-vcs --exclude-vcs-ignores --exclude=./build -cf - . | \
		tar -C build/deb/stagecp -xf -
	cd build/deb/stagecp && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE \
		dpkg-buildpackage -us -uc -b
	TMPDIR=$(CURDIR)/build/deb lintian --fail-on error build/deb/*.changes
	@ls build/deb/*.deb

clean:
	rm -rf build $(STATIC_LIB) $(SHARED_LIB) $(TOOL)
	-@$(MAKE) --no-print-directory -C bench clean 2>/dev/null || true

-include $(shell find build -name '*.d' 2>/dev/null)
