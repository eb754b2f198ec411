//===-- options.h - The runtime's options -----------------------*- C++ -*-===//
//
// The Options struct, generated from options.inc, and what options.cpp
// offers the rest of the runtime.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_OPTIONS_H
#define MAPGUARD_OPTIONS_H

#include <limits.h>
#include <stddef.h>

namespace __mapguard {

// A log_path: leaves room for ".<pid>" in PATH_MAX.
constexpr size_t kMaxLogPath = 4000;
typedef char Path[kMaxLogPath + 1];

// report_format: the report's shape.
enum class ReportFormat : int { Text, Json, Github };
constexpr const char *kReportFormatNames[] = {"text", "json", "github"};

struct Options {
#define MAPGUARD_OPTION(Type, Name, Default, Min, Max, Help) Type Name;
#include "options.inc"
#undef MAPGUARD_OPTION
};

// The effective options. Constant-initialised to the defaults, so the hooks
// may run before the runtime's constructor has parsed MAPGUARD_OPTIONS.
extern Options g_options;

void SetDefaultOptions(Options *O);
// Parses Text ("key=value:key=value") into *O. An unknown key prints one
// warning line to DiagFd and is skipped. A malformed entry prints one error
// line to DiagFd and returns false (the entries before it are applied).
bool ParseOptions(const char *Text, Options *O, int DiagFd);
// Prints "==<pid>==MapGuard: options key=value ..." to Fd.
void PrintOptions(const Options &O, int Fd);
// Prints every option with its default, what it accepts and what it does
// (help=1).
void PrintOptionHelp(int Fd);
// Startup: parses Text into g_options, or prints the error and _exit(1)s.
void InitOptionsOrDie(const char *Text);

} // namespace __mapguard

#endif // MAPGUARD_OPTIONS_H
