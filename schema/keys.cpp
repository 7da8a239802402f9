// The spec v1 key table (SPEC.md): every object, key, type, bound, default and description.
#include "schema/keys.h"

namespace sriov::schema {

const KeyDef* ObjectDef::find(std::string_view key) const {
  for (const KeyDef& k : keys)
    if (k.name == key) return &k;
  return nullptr;
}

namespace {

using K = ValueKind;

constexpr std::string_view kLinkStates[] = {"auto", "enable", "disable"};
constexpr std::string_view kOnDisruption[] = {"hotplug", "restart", "refuse"};
constexpr std::string_view kApiVersions[] = {"sriov-apply/v1"};
constexpr std::string_view kVirtualportTypes[] = {"802.1Qbh", "802.1Qbg"};

// {pf, index}: one VF of a declared PF.
constexpr KeyDef kVfRefKeys[] = {
    {.name = "pf",
     .kind = K::string,
     .required = Required::yes,
     .description = "The PF: its netdev name or PCI address, as declared under pfs",
     .format = Format::pfRef},
    {.name = "index",
     .kind = K::integer,
     .required = Required::yes,
     .description = "The VF index (virtfnN)",
     .min = 0,
     .max = 65534},
};
constexpr ObjectDef kVfRef = {"vfRef", "a VF reference", "One VF of a PF declared under pfs",
                              kVfRefKeys};

constexpr KeyDef kVfEntryKeys[] = {
    {.name = "index",
     .kind = K::vfIndex,
     .required = Required::yes,
     .description = "A VF index, or a range \"first-last\" of indexes",
     .min = 0,
     .max = 65534},
    {.name = "mac",
     .kind = K::string,
     .description = "The VF's MAC address, set on the PF",
     .format = Format::macAddress},
    {.name = "vlan",
     .kind = K::integer,
     .description = "VLAN tag the PF inserts for the VF; 0 = untagged",
     .min = 0,
     .max = 4095},
    {.name = "qos",
     .kind = K::integer,
     .description = "802.1p priority of the VLAN tag (needs vlan)",
     .min = 0,
     .max = 7},
    {.name = "spoofCheck", .kind = K::boolean, .description = "MAC anti-spoofing check"},
    {.name = "trust",
     .kind = K::boolean,
     .description = "Trusted VF (may change its MAC, enter promiscuous mode)"},
    {.name = "linkState",
     .kind = K::enumeration,
     .description = "auto follows the PF's link; enable or disable force it",
     .values = kLinkStates},
    {.name = "minTxRate",
     .kind = K::integer,
     .description = "Minimum transmit rate, Mbit/s",
     .min = 0,
     .max = 4294967295},
    {.name = "maxTxRate",
     .kind = K::integer,
     .description = "Maximum transmit rate, Mbit/s; 0 = unlimited",
     .min = 0,
     .max = 4294967295},
    {.name = "driver",
     .kind = K::string,
     .description = "Bind the VF to this kernel driver (e.g. vfio-pci); default: the VF driver",
     .format = Format::driverName},
};
// validate.cpp: a qos other than 0 needs a vlan other than 0.
constexpr std::string_view kVfEntryRules = R"([
  {"if": {"required": ["qos"], "properties": {"qos": {"not": {"const": 0}}}},
   "then": {"required": ["vlan"], "properties": {"vlan": {"not": {"const": 0}}}}}
])";
constexpr ObjectDef kVfEntry = {.id = "vfEntry",
                                .noun = "a VF entry",
                                .description = "Host-side settings of one or more VFs",
                                .keys = kVfEntryKeys,
                                .rulesJson = kVfEntryRules};

constexpr std::string_view kPfChoice[] = {"name", "pci"};
constexpr ChoiceDef kPfChoices[] = {{ChoiceDef::Kind::anyOf, kPfChoice}};
constexpr KeyDef kPfKeys[] = {
    {.name = "name",
     .kind = K::string,
     .description = "The PF's netdev name",
     .format = Format::ifname},
    {.name = "pci",
     .kind = K::string,
     .description = "The PF's PCI address; with name, both must agree",
     .format = Format::pciAddress},
    {.name = "device",
     .kind = K::string,
     .description = "Pin the PF's identity: its PCI vendor:device ID (lspci -nn), e.g. 8086:10c9; "
                    "doctor and plan refuse when the device found is another one",
     .format = Format::pciId},
    {.name = "subsystem",
     .kind = K::string,
     .description = "Pin the board too: its PCI subsystem vendor:device ID (lspci -vnn, Subsystem)",
     .format = Format::pciId},
    {.name = "numVfs",
     .kind = K::integer,
     .required = Required::yes,
     .description = "How many VFs the PF has (sriov_numvfs), 0..sriov_totalvfs",
     .min = 0,
     .max = 65535},
    {.name = "persist",
     .kind = K::boolean,
     .description = "Re-create the VFs at boot (udev rule)",
     .defaultJson = "true"},
    {.name = "vfs",
     .kind = K::array,
     .description = "Host-side settings per VF",
     .item = {K::object, &kVfEntry}},
};
constexpr ObjectDef kPf = {"pf", "a PF", "An SR-IOV Physical Function", kPfKeys, kPfChoices};

constexpr std::string_view kNativeModes[] = {"tagged", "untagged"};
constexpr KeyDef kVlanKeys[] = {
    {.name = "tags",
     .kind = K::array,
     .required = Required::yes,
     .description = "The VLAN tags, in order (<vlan><tag id=.../>)",
     .item = {.kind = K::integer, .min = 0, .max = 4095}},
    {.name = "trunk",
     .kind = K::boolean,
     .description = "<vlan trunk='yes'>; more than one tag always is a trunk"},
    {.name = "native",
     .kind = K::integer,
     .description = "The tag untagged (or tagged) traffic belongs to; one of tags",
     .min = 0,
     .max = 4095},
    {.name = "nativeMode",
     .kind = K::enumeration,
     .description = "How the native tag's traffic leaves the port",
     .values = kNativeModes},
};
// validate.cpp: native and nativeMode come together; native is one of tags; trunk: false
// refuses several tags and a native tag (virNetDevVlanParse).
constexpr std::string_view kVlanRules = R"([
  {"properties": {"tags": {"type": "array", "minItems": 1}}},
  {"dependentRequired": {"native": ["nativeMode"], "nativeMode": ["native"]}}
])";
constexpr ObjectDef kVlan = {
    .id = "vlan",
    .noun = "a vlan",
    .description = "libvirt's <vlan> with several tags, trunk or a native tag",
    .keys = kVlanKeys,
    .rulesJson = kVlanRules};

constexpr std::string_view kNetworkChoice[] = {"pf", "vfs"};
constexpr ChoiceDef kNetworkChoices[] = {{ChoiceDef::Kind::oneOf, kNetworkChoice}};
constexpr KeyDef kNetworkKeys[] = {
    {.name = "name",
     .kind = K::string,
     .required = Required::yes,
     .description = "The libvirt network's name",
     .format = Format::objectName},
    {.name = "pf",
     .kind = K::string,
     .description = "Pool every VF of this PF (<pf dev=.../>)",
     .format = Format::pfRef},
    {.name = "vfs",
     .kind = K::array,
     .description = "Or pool exactly these VFs",
     .item = {K::object, &kVfRef}},
    {.name = "managed",
     .kind = K::boolean,
     .description = "libvirt binds the VFs to vfio-pci itself (<forward managed='yes'>)",
     .defaultJson = "true"},
    {.name = "vlan",
     .kind = K::vlan,
     .description = "VLAN tag for every connection, or {tags, trunk, native, nativeMode}",
     .min = 0,
     .max = 4095,
     .object = &kVlan},
    {.name = "autostart",
     .kind = K::boolean,
     .description = "Start the network at boot",
     .defaultJson = "true"},
    {.name = "active",
     .kind = K::boolean,
     .description = "Keep the network started",
     .defaultJson = "true"},
};
constexpr ObjectDef kNetwork = {"network", "a network", "A libvirt hostdev network: a pool of VFs",
                                kNetworkKeys, kNetworkChoices};

constexpr KeyDef kVirtualportKeys[] = {
    {.name = "type",
     .kind = K::enumeration,
     .required = Required::yes,
     .description = "The port profile standard",
     .values = kVirtualportTypes},
    {.name = "profileid", .kind = K::string, .description = "802.1Qbh: the port profile"},
    {.name = "instanceid", .kind = K::string, .description = "802.1Qbg: a UUID for this port"},
    {.name = "managerid",
     .kind = K::integer,
     .description = "802.1Qbg: VSI manager id",
     .min = 0,
     .max = 255},
    {.name = "typeid",
     .kind = K::integer,
     .description = "802.1Qbg: VSI type id",
     .min = 0,
     .max = 16777215},
    {.name = "typeidversion",
     .kind = K::integer,
     .description = "802.1Qbg: VSI type version",
     .min = 0,
     .max = 255},
};
// validate.cpp: each type needs its own parameters and refuses the other type's.
constexpr std::string_view kVirtualportRules = R"([
  {"if": {"properties": {"type": {"const": "802.1Qbh"}}},
   "then": {"required": ["profileid"],
            "properties": {"profileid": true, "managerid": false, "typeid": false, "typeidversion": false,
                           "instanceid": false}}},
  {"if": {"properties": {"type": {"const": "802.1Qbg"}}},
   "then": {"required": ["managerid", "typeid", "typeidversion"],
            "properties": {"managerid": true, "typeid": true, "typeidversion": true,
                           "profileid": false}}}
])";
constexpr ObjectDef kVirtualport = {.id = "virtualport",
                                    .noun = "a virtualport",
                                    .description = "<virtualport> of an interface",
                                    .keys = kVirtualportKeys,
                                    .rulesJson = kVirtualportRules};

constexpr std::string_view kInterfaceChoice[] = {"vf", "network"};
constexpr ChoiceDef kInterfaceChoices[] = {{ChoiceDef::Kind::oneOf, kInterfaceChoice}};
constexpr KeyDef kInterfaceKeys[] = {
    {.name = "vf",
     .kind = K::object,
     .description = "Give this VF as <interface type='hostdev'>",
     .object = &kVfRef},
    {.name = "network",
     .kind = K::string,
     .description = "Take a VF from this pool network (<interface type='network'>)",
     .format = Format::objectName},
    {.name = "mac",
     .kind = K::string,
     .description = "Guest MAC; default: a stable MAC derived from host, guest and slot",
     .format = Format::macAddress},
    {.name = "vlan",
     .kind = K::vlan,
     .description = "VLAN tag, or {tags, trunk, native, nativeMode}",
     .min = 0,
     .max = 4095,
     .object = &kVlan},
    {.name = "virtualport",
     .kind = K::object,
     .description = "Port profile; never with vlan",
     .object = &kVirtualport},
    {.name = "managed",
     .kind = K::boolean,
     .description = "vf: libvirt binds the VF to vfio-pci itself (managed='yes'); false: the VF "
                    "must be bound to vfio-pci already (driver: vfio-pci)",
     .defaultJson = "true"},
};
// validate.cpp: vlan and virtualport cannot be combined.
constexpr std::string_view kInterfaceRules = R"([
  {"not": {"required": ["vlan", "virtualport"],
           "properties": {"vlan": true, "virtualport": true}}}
])";
constexpr ObjectDef kInterface = {.id = "interface",
                                  .noun = "an interface",
                                  .description = "A guest network interface on a VF",
                                  .keys = kInterfaceKeys,
                                  .choices = kInterfaceChoices,
                                  .rulesJson = kInterfaceRules};

constexpr std::string_view kHostdevChoice[] = {"pci", "vf"};
constexpr ChoiceDef kHostdevChoices[] = {{ChoiceDef::Kind::oneOf, kHostdevChoice}};
constexpr KeyDef kHostdevKeys[] = {
    {.name = "pci",
     .kind = K::string,
     .description = "A whole PCI device",
     .format = Format::pciAddress},
    {.name = "vf", .kind = K::object, .description = "A VF of a declared PF", .object = &kVfRef},
    {.name = "managed",
     .kind = K::boolean,
     .description = "libvirt binds the device to vfio-pci itself (managed='yes'); false: it must "
                    "be bound to vfio-pci already",
     .defaultJson = "true"},
};
constexpr ObjectDef kHostdev = {"hostdev", "a hostdev", "A plain PCI <hostdev> (e.g. an NVMe VF)",
                                kHostdevKeys, kHostdevChoices};

constexpr KeyDef kGuestKeys[] = {
    {.name = "name",
     .kind = K::string,
     .required = Required::yes,
     .description = "An existing libvirt domain",
     .format = Format::objectName},
    {.name = "onDisruption",
     .kind = K::enumeration,
     .description = "How the guest lets go of VFs whose PF changes",
     .defaultJson = "\"hotplug\"",
     .values = kOnDisruption},
    {.name = "interfaces",
     .kind = K::array,
     .description = "Network interfaces on VFs",
     .item = {K::object, &kInterface}},
    {.name = "hostdevs",
     .kind = K::array,
     .description = "Plain PCI hostdevs",
     .item = {K::object, &kHostdev}},
};
constexpr ObjectDef kGuest = {"guest", "a guest", "A libvirt domain's SR-IOV devices", kGuestKeys};

constexpr KeyDef kRootKeys[] = {
    {.name = "apiVersion",
     .kind = K::enumeration,
     .required = Required::yes,
     .description = "The spec format version",
     .values = kApiVersions},
    {.name = "host",
     .kind = K::string,
     .description = "Guard: refuse to apply on a host with another hostname"},
    {.name = "pfs",
     .kind = K::array,
     .description = "SR-IOV Physical Functions to manage",
     .item = {K::object, &kPf}},
    {.name = "networks",
     .kind = K::array,
     .description = "libvirt hostdev networks (VF pools)",
     .item = {K::object, &kNetwork}},
    {.name = "guests",
     .kind = K::array,
     .description = "Guests and the VFs they get",
     .item = {K::object, &kGuest}},
    {.name = "prune",
     .kind = K::boolean,
     .description = "Remove networks and guest devices this tool created that the spec dropped",
     .defaultJson = "false"},
};
constexpr ObjectDef kRoot = {"spec", "the spec", "sriov-apply desired state (host.yaml)",
                             kRootKeys};

constexpr const ObjectDef* kAll[] = {&kRoot, &kPf,    &kVfEntry,   &kNetwork,     &kVfRef,
                                     &kVlan, &kGuest, &kInterface, &kVirtualport, &kHostdev};

}  // namespace

const ObjectDef& specRoot() {
  return kRoot;
}
std::span<const ObjectDef* const> allObjects() {
  return kAll;
}

}  // namespace sriov::schema
