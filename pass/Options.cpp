//===- Options.cpp - What the command line asks of the pass --------------===//
//
// See Options.h.
//
//===----------------------------------------------------------------------===//
#include "Options.h"

using namespace llvm;

namespace mapguard {
namespace {

enum class GuardMode { Strict, Fast };

cl::opt<GuardMode> ClMode(
    "mapguard-mode", cl::desc("How MapGuard checks map writes"),
    cl::values(clEnumValN(GuardMode::Strict, "strict",
                          "report every overlapping pair of writes (default)"),
               clEnumValN(GuardMode::Fast, "fast",
                          "plain loads and stores, best effort, as Go does")),
    cl::init(GuardMode::Strict));

cl::opt<bool> ClElide(
    "mapguard-elide",
    cl::desc("Leave unguarded the writes to local maps whose address never "
             "escapes (no other thread can reach them)"),
    cl::Hidden, cl::init(true));

cl::opt<bool> ClLoopWindows(
    "mapguard-loop-windows",
    cl::desc("Guard a loop's writes to one map, with nothing between them "
             "that could synchronise, as one window per run of the loop"),
    cl::Hidden, cl::init(true));

cl::opt<bool> ClInline(
    "mapguard-inline",
    cl::desc("Emit the common case of each write's and read's check inline "
             "(default); 0: call the runtime for every one (less code, "
             "slower)"),
    cl::Hidden, cl::init(true));

cl::opt<bool> ClStatic(
    "mapguard-static",
    cl::desc("Warn at build time about maps written by several threads with "
             "nothing that synchronises them (default); 0: no such warning"),
    cl::Hidden, cl::init(true));

cl::opt<cl::boolOrDefault> ClOutline(
    "mapguard-outline",
    cl::desc("Make each guarded write call one guarded stub of its "
             "operation per module instead of wrapping it in place (default: "
             "in strict mode, the writes outside loops; none in fast mode)"),
    cl::Hidden);

cl::opt<std::string> ClIgnorelist(
    "mapguard-ignorelist",
    cl::desc("Special-case list (src:/fun: globs) of code whose map writes "
             "are not instrumented"),
    cl::Hidden, cl::value_desc("file"));

cl::opt<std::string> ClAllowlist(
    "mapguard-allowlist",
    cl::desc("Special-case list (src:/fun: globs): instrument only the map "
             "writes that match"),
    cl::Hidden, cl::value_desc("file"));

cl::opt<std::string> ClSites(
    "mapguard-sites",
    cl::desc("Append one JSON line per recognised map write (where, what, "
             "and what was decided) to this file"),
    cl::Hidden, cl::value_desc("file"));

cl::opt<std::string> ClPresets(
    "mapguard-presets",
    cl::desc("The container families whose maps are checked, comma-separated: "
             "std (the eight standard associative containers), abseil "
             "(flat/node_hash_map/set, btree_map/set/multi), boost "
             "(boost::unordered_map/set/multi, unordered_flat/node_*), glib "
             "(GHashTable, GTree)"),
    cl::value_desc("std,abseil,boost,glib"), cl::init("std,abseil,boost,glib"));

cl::list<std::string>
    ClMaps("mapguard-maps",
           cl::desc("A maps file: the functions that write ([write]), read "
                    "([read]) or start an iteration of ([iterate]) a map, "
                    "as fun:GLOB[=argN] lines (repeatable)"),
           cl::value_desc("file"));

} // namespace

MapGuardOptions MapGuardOptions::fromCommandLine() {
  return {ClMode == GuardMode::Fast,
          ClElide,
          ClLoopWindows,
          ClInline,
          ClStatic,
          ClOutline,
          ClIgnorelist,
          ClAllowlist,
          ClSites,
          ClPresets,
          {ClMaps.begin(), ClMaps.end()}};
}

} // namespace mapguard
