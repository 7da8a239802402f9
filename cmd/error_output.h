// The one error printer: how a run that fails says so, as text on stderr and, with --output json,
// as the one JSON document on stdout (kind: Error, schema/error.schema.json).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "reconcile/result.h"
#include "schema/diagnostic.h"

namespace sriov::cmd {

// Why a run failed: its exit code, one sentence, the spec's diagnostics (if any) and what to do.
struct Failure {
  int exitCode = 1;
  std::string message;  // empty: the diagnostics say it all (an invalid spec)
  std::vector<schema::Diagnostic> diagnostics;
  std::vector<std::string> hints;  // "run as root", "start libvirtd", ...
};

// A runtime error (exit 1) with the hints its cause suggests (permission, libvirt not running).
Failure failureOf(const Error& error);

// The hints for a host or lock error: what a person on their first run can do about it.
std::vector<std::string> hintsFor(const Error& error);

nlohmann::ordered_json failureJson(const Failure& failure);

// "sriov-apply: error: MESSAGE" on err: every error line of the tool is written here.
void printError(std::ostream& err, const std::string& message);

// Text: the diagnostics, then "sriov-apply: error: MESSAGE" and "sriov-apply: hint: ..." on err.
// json: the same text on err, and the Error document on out. Returns failure.exitCode.
int printFailure(const Failure& failure, bool json, std::ostream& out, std::ostream& err,
                 bool color);

}  // namespace sriov::cmd
