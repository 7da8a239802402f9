// The state file's key table: every object, key, type and bound the kernel and libvirt allow.
#include "reconcile/state_keys.h"

#include "schema/json_schema.h"

namespace sriov::reconcile {
namespace {

using schema::Format;
using schema::KeyDef;
using schema::ObjectDef;
using schema::Required;
using K = schema::ValueKind;

constexpr std::string_view kApiVersions[] = {"sriov-apply/v1"};
constexpr std::string_view kKinds[] = {"HostState"};
constexpr std::string_view kLinkStates[] = {"auto", "enable", "disable"};
constexpr std::string_view kDomainStates[] = {"running", "paused", "shutoff", "other"};
constexpr int64_t kU32 = 4294967295;

// A string as the host has it: observed names are kept as they are (escaped when printed).
constexpr KeyDef text(std::string_view name, std::string_view description,
                      Required required = Required::no) {
  return {.name = name,
          .kind = K::string,
          .required = required,
          .description = description,
          .format = Format::anyText};
}
constexpr KeyDef flag(std::string_view name, std::string_view description,
                      std::string_view defaultJson) {
  return {.name = name, .kind = K::boolean, .description = description, .defaultJson = defaultJson};
}
constexpr KeyDef number(std::string_view name, std::string_view description, int64_t min,
                        int64_t max, Required required = Required::no) {
  return {.name = name,
          .kind = K::integer,
          .required = required,
          .description = description,
          .min = min,
          .max = max};
}
constexpr KeyDef pci(std::string_view description) {
  return {.name = "pci",
          .kind = K::string,
          .required = Required::yes,
          .description = description,
          .format = Format::pciAddress};
}

constexpr KeyDef kLibvirtSavedKeys[] = {
    text("adminMac", "The VF's MAC as the PF reported it then; absent: not saved"),
    number("vlanTag", "The VF's VLAN tag then; absent: not saved (libvirt restores 0)", 0, 4095),
    text("mac", "The MAC of the VF's own netdev then; absent: it had none"),
};
constexpr ObjectDef kLibvirtSaved = {
    "libvirtSaved", "libvirt's saved VF settings",
    "What libvirt saved of the VF when a guest's interface took it (/run/libvirt/hostdevmgr/"
    "<pf>_vf<index>), and writes back when the guest lets go: mac, else adminMac, and vlanTag",
    kLibvirtSavedKeys};

constexpr KeyDef kVfKeys[] = {
    number("index", "The VF index (virtfnN); VFs are listed in index order", 0, 65534,
           Required::yes),
    pci("The VF's PCI address, where the PF's offset and stride put it"),
    text("netdev", "The VF's network interface, if it has one"),
    text("driver", "The driver the VF is bound to; empty: none"),
    text("mac", "The VF's MAC address as the PF reports it (rtnetlink); absent: all zero"),
    number("vlan", "The VLAN tag the PF inserts; 0: none", 0, 4095),
    number("qos", "The 802.1p priority of that tag", 0, 7),
    flag("spoofCheck", "MAC anti-spoofing; absent: the driver does not report it", ""),
    flag("trust", "Trusted VF; absent: the driver does not report it", ""),
    {.name = "linkState",
     .kind = K::enumeration,
     .description = "The VF's link state setting",
     .values = kLinkStates},
    number("minTxRate", "Minimum transmit rate, Mbit/s", 0, kU32),
    number("maxTxRate", "Maximum transmit rate, Mbit/s", 0, kU32),
    {.name = "libvirtSaved",
     .kind = K::object,
     .description = "What libvirt saved of the VF while a guest's interface holds it; absent: "
                    "nothing",
     .object = &kLibvirtSaved},
};
constexpr ObjectDef kVf = {"vf", "a VF", "One Virtual Function of a PF", kVfKeys};

constexpr KeyDef kPfKeys[] = {
    text("name", "The PF's network interface; empty when it has none"),
    pci("The PF's PCI address"),
    text("driver", "The PF's driver"),
    text("vendorId", "PCI vendor ID (sysfs vendor), e.g. 0x8086"),
    text("deviceId", "PCI device ID (sysfs device), e.g. 0x10c9"),
    text("subsystemVendorId", "PCI subsystem vendor ID (sysfs subsystem_vendor), e.g. 0x8086"),
    text("subsystemDeviceId", "PCI subsystem device ID (sysfs subsystem_device), e.g. 0xa03c"),
    number("totalVfs", "sriov_totalvfs: the most VFs the device can have", 0, 65535, Required::yes),
    number("numVfs", "sriov_numvfs: how many VFs it has now", 0, 65535, Required::yes),
    number("vfOffset", "sriov_offset: VF 0's routing ID after the PF's", 0, 65535),
    number("vfStride", "sriov_stride: routing IDs between VFs", 0, 65535),
    flag("linkUp", "The PF's interface is up", "false"),
    number("iommuGroup", "The PF's IOMMU group; -1: none", -1, kU32),
    {.name = "vfs",
     .kind = K::array,
     .description = "Every VF, in index order",
     .item = {K::object, &kVf}},
};
constexpr ObjectDef kPf = {"pf", "a PF", "An SR-IOV capable Physical Function", kPfKeys};

constexpr KeyDef kNetworkKeys[] = {
    text("name", "The network's name, as its XML's <name>", Required::yes),
    flag("active", "The network is running", "false"),
    flag("autostart", "The network starts with libvirt", "false"),
    flag("persistent", "The network is defined (not transient)", "true"),
    text("xml", "The network's XML, as libvirt gives it", Required::yes),
};
constexpr ObjectDef kNetwork = {"network", "a network", "A libvirt network", kNetworkKeys};

constexpr KeyDef kDomainKeys[] = {
    text("name", "The domain's name", Required::yes),
    {.name = "state",
     .kind = K::enumeration,
     .required = Required::yes,
     .description = "The domain's state",
     .values = kDomainStates},
    flag("autostart", "The domain starts with libvirt", "false"),
    flag("persistent", "The domain is defined (not transient)", "true"),
    text("xml", "The domain's XML: the live one when it runs", Required::yes),
    text("inactiveXml",
         "The domain's persistent definition when it differs from xml; empty: transient"),
};
constexpr ObjectDef kDomain = {"domain", "a domain", "A libvirt domain (guest)", kDomainKeys};

constexpr KeyDef kFileKeys[] = {
    text("path", "The file's path", Required::yes),
    text("content", "The file's content", Required::yes),
};
constexpr ObjectDef kFile = {"file", "a file", "A file sriov-apply owns (the udev rules)",
                             kFileKeys};

constexpr KeyDef kRootKeys[] = {
    {.name = "apiVersion",
     .kind = K::enumeration,
     .required = Required::yes,
     .description = "The format's version",
     .values = kApiVersions},
    {.name = "kind",
     .kind = K::enumeration,
     .required = Required::yes,
     .description = "A host's observed state (a spec has no kind)",
     .values = kKinds},
    text("hostname", "The host's name", Required::yes),
    flag("iommuEnabled", "An IOMMU is on (/sys/class/iommu has members)", "false"),
    flag("selinuxVirtUseSysfs", "SELinux's virt_use_sysfs; absent: SELinux is not enforcing", ""),
    {.name = "pciDrivers",
     .kind = K::array,
     .description = "The PCI drivers the kernel has loaded (/sys/bus/pci/drivers)",
     .item = {K::string, nullptr, Format::anyText}},
    {.name = "files",
     .kind = K::array,
     .description = "Files sriov-apply owns, as they are",
     .item = {K::object, &kFile}},
    {.name = "pfs",
     .kind = K::array,
     .description = "Every SR-IOV capable PF",
     .item = {K::object, &kPf}},
    {.name = "networks",
     .kind = K::array,
     .description = "Every libvirt network",
     .item = {K::object, &kNetwork}},
    {.name = "domains",
     .kind = K::array,
     .description = "Every libvirt domain",
     .item = {K::object, &kDomain}},
};
constexpr ObjectDef kRoot = {"hostState", "a state file",
                             "A host's observed SR-IOV state (sriov-apply show)", kRootKeys};

constexpr const ObjectDef* kObjects[] = {&kRoot,    &kFile,         &kPf,    &kVf,
                                         &kNetwork, &kLibvirtSaved, &kDomain};

}  // namespace

const ObjectDef& stateRoot() {
  return kRoot;
}

std::span<const ObjectDef* const> stateObjects() {
  return kObjects;
}

std::string stateJsonSchemaText() {
  return schema::jsonSchemaText(kRoot, kObjects,
                                "https://sriov-apply.org/schema/v1/state.schema.json",
                                "sriov-apply host state (sriov-apply show), kind HostState");
}

}  // namespace sriov::reconcile
