// Parsing and writing libvirt XML (domains, networks, devices) with pugixml, within limits: a
// document of at most kMaxXmlBytes and kMaxXmlDepth levels of elements is read, anything larger
// or deeper is refused with a clear error, and a document is written back as it was read (its
// whitespace kept, nothing re-indented), so writing an edited document costs what it holds.
#pragma once

#include <cstddef>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "reconcile/result.h"

namespace sriov::reconcile {

// libvirt's own domain XML is a few KB, a large guest's under 100 KB.
inline constexpr size_t kMaxXmlBytes = size_t{4} << 20;  // 4 MiB
// libvirt's schemas nest under 15 levels.
inline constexpr size_t kMaxXmlDepth = 256;

// Whitespace kept (parse_ws_pcdata) for documents that are edited and written back.
inline constexpr unsigned kXmlKeepLayout = pugi::parse_default | pugi::parse_ws_pcdata;

// Parses text into doc. Errors read "cannot parse WHAT XML: DETAIL" ("... at offset N" for
// malformed XML), also for a document over kMaxXmlBytes or kMaxXmlDepth levels deep.
Result<void> loadXml(pugi::xml_document& doc, std::string_view text, const char* what,
                     unsigned options = pugi::parse_default);

// node (a document or an element) as text, exactly as loaded with kXmlKeepLayout plus edits:
// no indentation added (format_raw), attributes in single quotes, no declaration; a document
// ends with a newline.
std::string writeXml(const pugi::xml_node& node);

// node as text indented libvirt style (two spaces), starting at depth levels: for a small
// element that is inserted into a document at that depth.
std::string writeIndentedXml(const pugi::xml_node& node, unsigned depth);

// node as pugixml prints it with these options (xml_node::print), into a string: what writeXml
// and writeIndentedXml are made of.
std::string printXml(const pugi::xml_node& node, const char* indent, unsigned flags,
                     unsigned depth = 0);

// How many elements enclose node (0 for the root element).
unsigned xmlDepthOf(pugi::xml_node node);

// Replaces element (edited in place in a document loaded with kXmlKeepLayout) by a copy of
// itself indented libvirt style for its depth; the rest of the document is not touched.
// Returns the copy.
pugi::xml_node reindentElement(pugi::xml_node element);

}  // namespace sriov::reconcile
