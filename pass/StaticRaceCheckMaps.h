//===- StaticRaceCheckMaps.h - Which map a thread writes, by name --------===//
//
// For the build-time check (StaticRaceCheck.h): a map as the spawner sees
// it (an object, global or parameter, and the members down to the map), the
// -O0 spill slots seen through, and how a warning names the map and the
// places, with the per-line opt-out.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_STATICRACECHECKMAPS_H
#define MAPGUARD_STATICRACECHECKMAPS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/DebugLoc.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace llvm {
class AllocaInst;
class Type;
class Value;
} // namespace llvm

namespace mapguard {

/// One step from an object to the map inside it: a GEP's type and indices.
struct PathStep {
  llvm::Type *Source;
  llvm::SmallVector<int64_t, 2> Indices;
  bool operator==(const PathStep &O) const {
    return Source == O.Source && Indices == O.Indices;
  }
};
using Path = llvm::SmallVector<PathStep, 2>;

/// The map, as the spawner sees it: an object of its frame, a global or a
/// parameter, and the members down to the map.
struct MapId {
  const llvm::Value *Base = nullptr;
  Path Steps;
  bool operator==(const MapId &O) const {
    return Base == O.Base && Steps == O.Steps;
  }
};

/// Peels constant-index GEPs off \p V, appending them to \p Steps outermost
/// first; the object they start from, or null when an index is not
/// constant (maps[i]: a different map per index).
const llvm::Value *stripPath(const llvm::Value *V, Path &Steps);

/// Whether every use of the alloca \p A is a plain load, a store to it or a
/// debug or lifetime marker: the slot -O0 spills a value into.
bool isPlainSlot(const llvm::AllocaInst &A);

/// A parameter read back from the slots -O0 keeps it in, as the parameter;
/// anything else unchanged.
const llvm::Value *stripSpill(const llvm::Value *V);

/// An object every thread of a spawn shares: a local of the spawner's
/// frame, a global that is not thread_local, a parameter.
bool isSharedBase(const llvm::Value *V);

/// The map's name in the source, when the debug information says it.
std::string mapName(const MapId &Id);

/// "file.cpp:20:13", or "<unknown>".
std::string describeLocation(const llvm::DebugLoc &DL);

/// The source files warnings point into, read once, for the per-line
/// opt-out.
class SourceLines {
public:
  /// Whether the source line of \p DL says `NOLINT(mapguard)`.
  bool optedOut(const llvm::DebugLoc &DL);

private:
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> Sources;
};

} // namespace mapguard

#endif // MAPGUARD_STATICRACECHECKMAPS_H
