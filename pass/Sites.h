//===- Sites.h - The map operations the pass collects before changing code
//-===//
//
// The pass collects every recognised call first and instruments afterwards
// (instrumentation splits blocks). A write site carries its record for the
// remarks and the inventory; a read site only what its check needs.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_SITES_H
#define MAPGUARD_SITES_H

#include "SiteReport.h"

namespace llvm {
class CallBase;
} // namespace llvm

namespace mapguard {

struct WriteSite {
  llvm::CallBase *Call;
  /// Where, what, and what was decided (Guarded means "to be guarded";
  /// whether that worked is known later). Taken before the call can be
  /// replaced by an invoke.
  SiteRecord Record;
  /// Guarded by its loop's window (LoopWindows.h), not by hooks of its own.
  bool InLoopWindow = false;
  /// In a loop of its function (decided before anything is instrumented):
  /// wrapped in place rather than through a stub.
  bool InLoop = false;

  const MapOperation &op() const { return *Record.Op; }
  bool toBeGuarded() const { return Record.Decision == SiteDecision::Guarded; }
};

/// A lookup or the start of an iteration: checked, not guarded.
struct ReadSite {
  llvm::CallBase *Call;
  const MapOperation *Op;
  /// Checked at the end of its loop's read window (LoopWindows.h), not
  /// before the call.
  bool InReadWindow = false;
};

} // namespace mapguard

#endif // MAPGUARD_SITES_H
