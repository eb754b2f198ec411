//===- EscapeAnalysis.h - Maps no other thread can reach ------------------===//
//
// A map that lives on the stack of one function call, and whose address
// never leaves the container's own members, cannot be written by another
// thread: a write to it needs no guard. This is the analysis that proves
// it, per alloca, and says why when it cannot.
//
// It is deliberately simple and sound: it follows the alloca's address
// through its direct uses and through local reference variables (a slot
// whose own address never escapes, as clang makes for `auto &r = m;` and
// for range-for loops), and anything it does not recognise counts as an
// escape (the map then stays guarded).
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_ESCAPEANALYSIS_H
#define MAPGUARD_ESCAPEANALYSIS_H

#include "MapOperationCatalog.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace llvm {
class AllocaInst;
class CallBase;
class Function;
class Value;
} // namespace llvm

namespace mapguard {

class LocalMapEscapeAnalysis {
public:
  /// Returns std::nullopt when \p Map is a local container that no other
  /// thread can reach; otherwise why it may be reached, as the end of a
  /// sentence starting "the map ..." (e.g. "is a global variable").
  std::optional<std::string> whyShared(const llvm::Value *Map);

private:
  std::optional<std::string> whyShared(const llvm::Value *Map, unsigned Depth);
  std::optional<std::string> findEscape(const llvm::AllocaInst &AI);
  bool isReferenceSlot(const llvm::AllocaInst &Slot);
  const std::optional<ContainerMember> &member(const llvm::Function &Callee);

  llvm::DenseMap<const llvm::AllocaInst *, std::optional<std::string>> Cache;
  llvm::DenseMap<const llvm::AllocaInst *, bool> Slots;
  llvm::StringMap<std::optional<ContainerMember>> Members;
};

} // namespace mapguard

#endif // MAPGUARD_ESCAPEANALYSIS_H
