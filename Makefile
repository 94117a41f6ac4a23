# SPDX-License-Identifier: GPL-2.0-only
#
# cvmguard. `make help` lists the targets.
#
# Kernel modules are built by Kbuild (see ./Kbuild); this Makefile drives
# the userspace, the tests in VMs and the modules for a running kernel.

# The boots of `make check`: the suite on Debian's cloud kernels (what
# the CVM images of Azure, GCP and AWS boot; no 9P, virtio-gpu or
# virtio-crypto), intel-iommu and the real devices on the generic kernels
# of the same versions (which have every driver QEMU offers), the debug
# kernel's six boots. KERNELS=6.1 runs all three boots of one kernel,
# KERNELS=6.1:devices one boot (6.1:main the suite's alone).
KERNELS ?= 6.1-cloud:main 6.12-cloud:main 7.3-cloud:main 6.1:iommu \
	6.1:devices 6.12:iommu 6.12:devices 7.3:iommu 7.3:devices debug
KDIR ?= /lib/modules/$(shell uname -r)/build
DEMO_KERNEL ?= 6.1
BENCH_KERNEL ?= 6.1
CVM_CACHE_DIR ?= /var/cache/cvmguard
CVM_RUN_DIR ?= $(CVM_CACHE_DIR)
export CVM_CACHE_DIR CVM_RUN_DIR
# make install: modules under $(DESTDIR)/lib/modules/<release>/, cvmctl
# under $(DESTDIR)$(PREFIX) (tools/cvmctl/Makefile), the example module
# configuration under $(DESTDIR)$(SYSCONFDIR).
DESTDIR ?=
SYSCONFDIR ?= /etc
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# The module directories whose files must not call each other in a circle.
CYCLE_DIRS := core convert bounce ring testing/hostsim testing/bench

all: userspace

help:
	@echo 'make demo            boot the stock Debian kernel in a VM and show cvmctl status'
	@echo 'make check           every test: spec, style, unit, and the VM suite on $$(KERNELS)'
	@echo 'make check KERNELS=7.3   the VM suite on one kernel (6.1 6.12 7.3 debug, 6.1-cloud 6.12-cloud 7.3-cloud)'
	@echo 'make modules         build the modules for the running kernel (KDIR=...)'
	@echo 'make modules_install install them (then: modprobe cvm_core)'
	@echo 'make userspace       build cvmctl and the selftests'
	@echo 'make kselftest-install  the selftests as the kernel lays them out, for its run_kselftest.sh'
	@echo 'make deb             Debian packages cvmguard-dkms and cvmctl (lintian clean), in $$(CVM_RUN_DIR)/deb'
	@echo 'make install         modules (for KDIR), depmod, cvmctl, man page, bash completion,'
	@echo '                     modprobe.d and modules-load.d examples; make uninstall'
	@echo '  MOK_KEY=K MOK_CERT=C   sign the modules (Secure Boot: then mokutil --import C)'
	@echo 'make dkms-install    the modules under DKMS (/usr/src/cvmguard-<version>); dkms-uninstall'
	@echo 'make dkms-check      dkms build against the cached 6.1 headers, in a private tree, signatures verified'
	@echo 'make secureboot-check  Debian 12 through OVMF + shim + MokManager with Secure Boot on (scripts/secureboot.sh)'
	@echo 'make install-check   make install + uninstall into a scratch DESTDIR, every file checked, signed installs verified'
	@echo 'make style           checkpatch, sparse and no call circles in the kernel code, shellcheck on the scripts'
	@echo 'make fuzz            fuzz the bounce slot allocator for FUZZ_TIME s (default 60)'
	@echo 'make bench           benchmarks: bench-native, bench-count, then one VM (BENCH_KERNEL=6.1); not part of check'
	@echo 'make bench-count     instructions, locked RMWs, lines per map+unmap counted in one TCG boot (QEMU plugin)'
	@echo 'make bench-native    cvm_bounce vs the kernel'"'"'s own swiotlb.c, and the ring validators, natively (ROUNDS=301)'
	@echo 'make stress DURATION=1800  the adversarial suite that long on the debug kernel'
	@echo 'make fuzz-smoke      ring validator fuzzers, FUZZ_SMOKE_TIME s each (part of check)'
	@echo 'make fuzz            ring validator fuzzers, FUZZ_TIME s each (default 600)'

deps:
	scripts/deps.sh

userspace:
	$(MAKE) -C tools/cvmctl
	$(MAKE) -C selftests

# The selftests as the kernel's `make kselftest-install` lays them out:
# run_kselftest.sh and kselftest/ from Debian's kernel source, the
# collection "cvm" in cvm/, kselftest-list.txt. In a guest with the modules
# at CVM_MODULES (default /cvm/modules) and cvm_core loaded:
#   ./run_kselftest.sh [-t cvm:TEST]
KSFT_INSTALL_PATH ?= $(CVM_RUN_DIR)/kselftest
kselftest-install: userspace
	rm -rf $(KSFT_INSTALL_PATH)
	$(MAKE) -s -C selftests install INSTALL_PATH=$(KSFT_INSTALL_PATH)/cvm
	ksft=$$(scripts/kernel-tools.sh | tail -n 1)/tools/testing/selftests && \
		cp -r $$ksft/run_kselftest.sh $$ksft/kselftest $(KSFT_INSTALL_PATH)/
	$(MAKE) -s --no-print-directory -C selftests emit_tests COLLECTION=cvm \
		>$(KSFT_INSTALL_PATH)/kselftest-list.txt
	@echo "kselftest-install: $(KSFT_INSTALL_PATH) ($$(wc -l <$(KSFT_INSTALL_PATH)/kselftest-list.txt) tests)"

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

# Module signing. MOK_KEY= and MOK_CERT= (a key and its certificate, the
# one enrolled with `mokutil --import`): the built modules are signed with
# the kernel's own scripts/sign-file before kbuild installs (and, where the
# kernel does, compresses) them, and kbuild's own signing is off. Without
# them kbuild signs with the kernel's build key when KDIR has it (a kernel
# built here); distribution headers ship no key, and kbuild's attempt would
# only print OpenSSL errors, so it is off there too.
MOK_KEY ?=
MOK_CERT ?=
KSIGKEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null)
KBUILD_SIGNS = $(if $(MOK_KEY)$(MOK_CERT),,$(filter pkcs11:%,$(KSIGKEY))$(wildcard \
	$(filter /%,$(KSIGKEY)) $(addprefix $(KDIR)/,$(filter-out /%,$(KSIGKEY)))))
CVM_KOS = $(patsubst %.o,%.ko,$(shell cat modules.order 2>/dev/null))

# kbuild puts external modules in extra/ (6.1) or updates/ (newer).
install: modules
ifneq ($(MOK_KEY)$(MOK_CERT),)
	@[ -n "$(MOK_KEY)" ] && [ -n "$(MOK_CERT)" ] || \
		{ echo "make install: MOK_KEY and MOK_CERT go together" >&2; exit 1; }
	@[ -z "$(INSTALL_MOD_STRIP)" ] || { echo "make install: INSTALL_MOD_STRIP would strip the signature MOK_KEY adds; strip before signing or leave it out" >&2; exit 1; }
	scripts/sign-modules.sh sign $(KDIR) $(MOK_KEY) $(MOK_CERT) $(CVM_KOS)
endif
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		$(if $(KBUILD_SIGNS),,CONFIG_MODULE_SIG_ALL=) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KRELEASE)
	$(MAKE) -C tools/cvmctl install
	install -d $(DESTDIR)$(MANDIR)/man7
	install -m 0644 Documentation/cvmguard.7 $(DESTDIR)$(MANDIR)/man7/cvmguard.7
	install -D -m 0644 Documentation/admin-guide.md \
		$(DESTDIR)$(PREFIX)/share/doc/cvmguard/admin-guide.md
	install -d $(DESTDIR)$(SYSCONFDIR)/modprobe.d $(DESTDIR)$(SYSCONFDIR)/modules-load.d
	@# An administrator's edited copy stays.
	for d in modprobe.d modules-load.d; do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/$$d/cvmguard.conf ] || \
		install -m 0644 scripts/dkms/$$d/cvmguard.conf \
			$(DESTDIR)$(SYSCONFDIR)/$$d/cvmguard.conf; \
	done

# DKMS's own copies (updates/dkms/) are left to dkms-uninstall.
uninstall:
	[ -z "$(KRELEASE)" ] || for d in extra updates; do \
		[ ! -d $(DESTDIR)/lib/modules/$(KRELEASE)/$$d ] || \
		find $(DESTDIR)/lib/modules/$(KRELEASE)/$$d -path '*/dkms' -prune -o \
			-name 'cvm_*.ko*' -type f -print -exec rm -f {} +; \
	done
	[ -z "$(KRELEASE)" ] || depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KRELEASE)
	$(MAKE) -C tools/cvmctl uninstall
	rm -f $(DESTDIR)$(MANDIR)/man7/cvmguard.7
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/cvmguard
	@# Only copies as installed: an administrator's edits stay, as
	@# Debian keeps a modified conffile.
	for d in modprobe.d modules-load.d; do \
		f=$(DESTDIR)$(SYSCONFDIR)/$$d/cvmguard.conf; \
		[ ! -e $$f ] || if cmp -s $$f scripts/dkms/$$d/cvmguard.conf; then \
			rm -f $$f; else echo "kept $$f: it was edited"; fi; \
	done

dkms-install:
	scripts/dkms.sh install

dkms-uninstall:
	scripts/dkms.sh uninstall

# dkms add + build against the cached 6.1 headers in a temporary DKMS tree.
dkms-check:
	scripts/dkms.sh check

# Debian packages cvmguard-dkms and cvmctl (dpkg-buildpackage, lintian
# clean) in $(CVM_RUN_DIR)/deb; deb-check installs them in a Debian 12
# root, where DKMS must build and sign the modules, then purges them.
deb: deps
	scripts/deb.sh build

deb-check:
	scripts/deb.sh check

install-check:
	scripts/install-check.sh

# The real Secure Boot path: a Debian 12 image (shim, GRUB, kernel all
# Debian's signed ones; our packages, DKMS-signed) booted through OVMF
# with Microsoft's keys, the MOK enrolled in MokManager over the serial
# console, then the modules load at boot and a subset of the suite runs.
secureboot-check: deps
	scripts/secureboot.sh run

# The UAPI header must be what the YNL spec generates.
spec-check:
	scripts/ynl-gen.sh --check

unit: userspace
	scripts/test-judge.sh
	$(MAKE) -C tools/cvmctl test test-cli
	$(MAKE) -C tools/testing/bounce test
	CVM_BENCH_SMOKE=1 scripts/bench-native.sh
	$(MAKE) -C tools/testing/bounce test-map KSRC="$$(scripts/kernel-tools.sh | tail -n 1)"
	$(MAKE) -C tools/testing/count test PLUGIN="$$(scripts/qemu-plugin.sh | tail -n 1)"
	$(MAKE) -C tools/testing/ring test

# libFuzzer targets of the ring validators and the bounce slot allocator:
# a bounded run from the checked-in corpus (FUZZ_SMOKE_TIME seconds each,
# exec counts printed), or as long as asked (FUZZ_TIME seconds each).
fuzz-smoke:
	$(MAKE) -C tools/testing/ring fuzz-smoke

fuzz:
	$(MAKE) -C tools/testing/ring fuzz
	$(MAKE) -C tools/testing/bounce fuzz

# file-cycles.py reads the objects sparse.sh built.
style:
	scripts/checkpatch.sh
	scripts/sparse.sh
	scripts/file-cycles.py $(addprefix $(CVM_RUN_DIR)/work/sparse-6.1/src/kernel/,$(CYCLE_DIRS))
	scripts/shellcheck.sh

vm-%: userspace
	scripts/vm-run.sh $*

# The closing line adds up the in-VM tests of every kernel. The debug
# kernel (KASAN, lockdep, kmemleak) runs the suite in three boots (the
# third is the systematic fault injection alone), each within half its
# 1200 s timeout on a 2-core machine. Every kernel, the debug one too, then
# boots once with QEMU's intel-iommu and once with the real devices; the
# debug kernel, which trusts the key that signs the test modules, once
# more with lockdown=confidentiality module.sig_enforce=1. The debug
# kernel's boots run beside the packaged kernels' (scripts/check-vms.sh).
check: deps
	$(MAKE) spec-check unit fuzz-smoke style dkms-check install-check deb-check
	BENCH_KERNEL=$(BENCH_KERNEL) scripts/check-vms.sh $(KERNELS)

demo: deps
	$(MAKE) userspace
	scripts/vm-run.sh $(DEMO_KERNEL) --demo

# Benchmarks are not tests: ratios measured side by side in one run.
bench: deps
	$(MAKE) userspace
	scripts/bench-native.sh
	scripts/bench-count.sh $(BENCH_KERNEL)
	scripts/bench.sh $(BENCH_KERNEL)

# Deterministic counts of the same cases in one TCG boot (QEMU plugin).
bench-count: deps
	$(MAKE) userspace
	scripts/bench-count.sh $(BENCH_KERNEL)

# cvm_bounce against the kernel's own swiotlb.c, and the ring validators
# against a bare read and memcpy, natively (no VM).
bench-native: deps
	scripts/bench-native.sh $(ROUNDS)

# The adversarial suite on the debug kernel for DURATION seconds: stress
# rounds with data integrity, load cycles and fault injection between them
# (selftests/stress.sh); prints the totals.
DURATION ?= 1800
STRESS_KERNEL ?= debug
stress: deps
	$(MAKE) userspace
	CVM_TESTS=stress.sh CVM_STRESS_DURATION=$(DURATION) \
		CVM_VM_TIMEOUT=$$(($(DURATION) + 1800)) scripts/vm-run.sh $(STRESS_KERNEL)

clean:
	$(MAKE) -C tools/cvmctl clean
	$(MAKE) -C selftests clean
	$(MAKE) -C tools/testing/bounce clean
	$(MAKE) -C tools/testing/ring clean
	[ ! -d $(KDIR) ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: all help deps userspace kselftest-install modules modules_install install deb deb-check spec-check \
	unit fuzz fuzz-smoke style check demo bench bench-native bench-count stress clean uninstall dkms-install \
	dkms-uninstall dkms-check install-check
