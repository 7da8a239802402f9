# Boot sector of the nested guests the e2e scenarios start with VFs (libvirt domains inside
# the test VM). No OS: nothing answers a PCI unplug request, so a live detach never completes.
# Assembled twice by run.sh (GNU as, 16-bit real mode, loaded by SeaBIOS at 0x7c00):
#   halt.img       halts forever; ignores ACPI too (a guest that will not shut down).
#   acpi-off.img   (--defsym ACPI=1) also answers the ACPI power button that libvirt's
#                  virDomainShutdown presses: polls PM1a_STS for PWRBTN_STS after every timer
#                  tick (SeaBIOS's 18.2 Hz IRQ 0 wakes hlt: no busy loop) and then powers off
#                  through PM1a_CNT (SLP_TYP 0 = S5 on QEMU's q35).
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
        jz 1b
        mov %bx, %dx
        add $4, %dx
        mov $0x2000, %ax        # SLP_EN, SLP_TYP 0: soft off
        outw %ax, %dx
.endif
        jmp 1b
        .org 510
        .word 0xaa55
