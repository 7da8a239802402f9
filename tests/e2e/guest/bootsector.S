# Boot sector of the nested guests the e2e scenarios start with VFs (libvirt domains inside
# the test VM). No OS: unless built with HOTPLUG, nothing answers a PCI unplug request, so a
# live detach never completes.
# Assembled three times by run.sh (GNU as, 16-bit real mode, loaded by SeaBIOS at 0x7c00):
#   halt.img       halts forever; ignores ACPI too (a guest that will not shut down).
#   acpi-off.img   (--defsym ACPI=1) also answers the ACPI power button that libvirt's
#                  virDomainShutdown presses: polls PM1a_STS for PWRBTN_STS after every timer
#                  tick (SeaBIOS's 18.2 Hz IRQ 0 wakes hlt: no busy loop) and then powers off
#                  through PM1a_CNT (SLP_TYP 0 = S5 on QEMU's q35).
#   hotplug.img    (--defsym ACPI=1 --defsym HOTPLUG=1) also completes PCI unplugs, as an OS's
#                  ACPI _EJ0 would: QEMU's q35 hot-plugs devices on pcie-root-ports through ACPI
#                  (the default since QEMU 6.1; libvirt 9.0 keeps it), whose registers sit at
#                  0xcc0 on ICH9 (QEMU's ACPI_PCIHP_ADDR_ICH9; docs/specs/acpi_pci_hotplug.rst:
#                  +0x4 the bus's pending-removal slot mask, +0x8 eject, +0x10 bus selector).
#                  After every tick it selects each bus selector 0..63 in turn and writes its
#                  removal mask back to eject. Hot-add needs nothing from the guest.
# q35 only: PMBASE is read from the ICH9 LPC bridge (00:1f.0, config offset 0x40).
# Found on QEMU 10: it sets PWRBTN_STS only when PWRBTN_EN is set; SeaBIOS cannot boot a
# 512-byte disk ("could not read the boot disk"), so run.sh pads the images to 1 MiB.
        .code16
        .text
        .globl _start
_start:
        cli
        xor %ax, %ax
        mov %ax, %ds
        mov %ax, %ss
        mov $0x7c00, %sp
.ifdef ACPI
        mov $0x8000f840, %eax    # PCI config address: 00:1f.0, register 0x40 (PMBASE)
        mov $0xcf8, %dx
        outl %eax, %dx
        mov $0xcfc, %dx
        inl %dx, %eax
        and $0xff80, %ax
        mov %ax, %bx            # PMBASE: PM1a_STS; +2 PM1a_EN; +4 PM1a_CNT
        lea 2(%bx), %dx         # PM1a_EN: PWRBTN_EN, or QEMU never sets PWRBTN_STS
        mov $0x0100, %ax
        outw %ax, %dx
.endif
        sti
1:      hlt
.ifdef ACPI
        mov %bx, %dx
        inw %dx, %ax
        test $0x0100, %ax       # PWRBTN_STS
        jz 4f
        mov %bx, %dx
        add $4, %dx
        mov $0x2000, %ax        # SLP_EN, SLP_TYP 0: soft off
        outw %ax, %dx
4:
.endif
.ifdef HOTPLUG
        xor %ecx, %ecx          # bus selector
2:      mov $0xcd0, %dx         # PCI_SEL
        mov %ecx, %eax
        outl %eax, %dx
        mov $0xcc4, %dx         # PCI_DOWN: slots QEMU asks the guest to release
        inl %dx, %eax
        test %eax, %eax
        jz 3f
        mov $0xcc8, %dx         # PCI_EJ: eject them (QEMU unplugs, libvirt gets DEVICE_DELETED)
        outl %eax, %dx
3:      inc %ecx
        cmp $64, %ecx
        jb 2b
.endif
        jmp 1b
        .org 510
        .word 0xaa55
