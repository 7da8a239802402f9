#!/bin/sh
# Builds the e2e guest into DIR: rootfs.img (raw ext4, sparse), vmlinuz, initrd.img.
# debootstrap minbase + packages.txt from Debian 12 main, then mkfs.ext4 -d (no loop mounts).
# Usage (root): build-image.sh DIR
set -eu
HERE=$(dirname "$(readlink -f "$0")")
OUT=${1:?output dir}; mkdir -p "$OUT"; cd "$OUT"
R=$OUT/rootfs
MIRROR=${E2E_MIRROR:-http://deb.debian.org/debian}
rm -rf "$R" rootfs.img vmlinuz initrd.img
echo "== debootstrap"; date
debootstrap --variant=minbase bookworm "$R" "$MIRROR"

echo "== packages"; date
mount -t proc proc "$R/proc"; mount -t sysfs sys "$R/sys"; mount --bind /dev "$R/dev"
trap 'umount "$R/dev" "$R/sys" "$R/proc" 2>/dev/null || true' EXIT
printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod +x "$R/usr/sbin/policy-rc.d"   # no services start in the chroot
pkgs=$(grep -v '^#' "$HERE/packages.txt" | tr '\n' ' ')
chroot "$R" /bin/sh -ec "export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends $pkgs
  apt-get clean
  # libvirtd resolves its built-in qemu user before reading qemu.conf: it must exist.
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu"

echo "== netdevsim"; date
# The kernel's netdevsim (SR-IOV VFs with their netlink settings on a real rtnetlink, scenario
# 18-netdevsim): Debian builds its kernel without it (# CONFIG_NETDEVSIM is not set), so it is
# built here as an out-of-tree module from linux-source and the headers of exactly the kernel
# the image installs (by version: a newer security build would be another ABI), installed under
# /lib/modules/KVER/extra, and the build packages are purged again.
chroot "$R" /bin/sh -ec 'export DEBIAN_FRONTEND=noninteractive
  image=$(dpkg-query -W -f "\${Depends}" linux-image-amd64 | grep -o "linux-image-[0-9][^ ,]*" | head -1)
  KVER=${image#linux-image-}; VER=$(dpkg-query -W -f "\${Version}" "$image")
  SERIES=$(echo "$KVER" | cut -d. -f1,2)
  echo "netdevsim for kernel $KVER ($image $VER)"
  new="linux-headers-$KVER linux-source-$SERIES"
  for p in make xz-utils; do dpkg -s "$p" >/dev/null 2>&1 || new="$new $p"; done
  apt-get install -y -q --no-install-recommends "linux-headers-$KVER=$VER" "linux-source-$SERIES=$VER" make xz-utils
  rm -rf /tmp/netdevsim; mkdir /tmp/netdevsim
  tar -xJf "/usr/src/linux-source-$SERIES.tar.xz" -C /tmp/netdevsim --strip-components=4 "linux-source-$SERIES/drivers/net/netdevsim"
  make -C "/usr/src/linux-headers-$KVER" M=/tmp/netdevsim CONFIG_NETDEVSIM=m -j"$(nproc)" modules
  install -D -m 644 /tmp/netdevsim/netdevsim.ko "/lib/modules/$KVER/extra/netdevsim.ko"
  depmod -a "$KVER"
  modinfo -k "$KVER" netdevsim | grep -E "^(filename|vermagic|depends):"
  rm -rf /tmp/netdevsim
  apt-get purge -y -q --auto-remove $new
  apt-get clean'
echo "== netdevsim done"; date
umount "$R/dev" "$R/sys" "$R/proc"; trap - EXIT

echo "== configure"; date
install -m 755 "$HERE/init" "$R/sbin/e2e-init"
# systemd boots (no init= on the command line, e2e.systemd=1): the 9p share from fstab, the
# scenario runner as a unit after libvirt and sriov-apply's units, no getty on the console.
echo "share /share 9p trans=virtio,version=9p2000.L,msize=262144,nofail 0 0" >> "$R/etc/fstab"
mkdir -p "$R/share"; printf '9pnet_virtio\n9p\n' > "$R/etc/modules-load.d/9p.conf"
install -m 644 "$HERE/e2e-run.service" "$R/etc/systemd/system/"
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/e2e-run.service "$R/etc/systemd/system/multi-user.target.wants/"
ln -sf /dev/null "$R/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$R/etc/systemd/system/getty@tty1.service"
# libvirt-daemon-config-network's NAT network "default" would autostart; the scenarios start
# from no networks at all.
rm -f "$R/etc/libvirt/qemu/networks/autostart/default.xml" "$R/etc/libvirt/qemu/networks/default.xml"
echo e2e > "$R/etc/hostname"
mkdir -p "$R/var/log/libvirt/qemu" "$R/var/lib/libvirt/qemu" "$R/var/cache/libvirt/qemu"
# No systemd, no cgroup controllers, no security driver in the guest.
cat > "$R/etc/libvirt/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
stdio_handler = "file"
CONF

echo "== image"; date
mkfs.ext4 -q -F -L e2eroot -d "$R" rootfs.img "${E2E_IMAGE_SIZE:-2G}"
cp "$R"/boot/vmlinuz-* vmlinuz; cp "$R"/boot/initrd.img-* initrd.img
rm -rf "$R"
ls -ls rootfs.img vmlinuz initrd.img; date
