//===- StaticRaceCheckMaps.cpp - Which map a thread writes, by name ------===//
//
// See StaticRaceCheckMaps.h.
//
//===----------------------------------------------------------------------===//
#include "StaticRaceCheckMaps.h"
#include "LLVMCompat.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace mapguard {

const Value *stripPath(const Value *V, Path &Steps) {
  Path Reversed;
  while (const auto *GEP = dyn_cast<GEPOperator>(V)) {
    PathStep Step{GEP->getSourceElementType(), {}};
    for (const Use &Idx : GEP->indices()) {
      const auto *K = dyn_cast<ConstantInt>(Idx.get());
      if (!K)
        return nullptr; // maps[i]: a different map per index
      Step.Indices.push_back(K->getSExtValue());
    }
    Reversed.push_back(std::move(Step));
    V = GEP->getPointerOperand();
  }
  Steps.append(Reversed.rbegin(), Reversed.rend());
  return V;
}

bool isPlainSlot(const AllocaInst &A) {
  for (const User *U : A.users()) {
    if (const auto *L = dyn_cast<LoadInst>(U)) {
      if (!L->isSimple())
        return false;
    } else if (const auto *S = dyn_cast<StoreInst>(U)) {
      if (S->getValueOperand() == &A || !S->isSimple())
        return false;
    } else if (const auto *II = dyn_cast<IntrinsicInst>(U)) {
      if (!II->isLifetimeStartOrEnd() && !isa<DbgInfoIntrinsic>(II))
        return false;
    } else {
      return false;
    }
  }
  return true;
}

/// The only value stored into the slot \p A, or null.
static const Value *onlyStoredValue(const AllocaInst &A) {
  const Value *Stored = nullptr;
  for (const User *U : A.users())
    if (const auto *S = dyn_cast<StoreInst>(U)) {
      if (Stored)
        return nullptr;
      Stored = S->getValueOperand();
    }
  return Stored;
}

const Value *stripSpill(const Value *V) {
  const auto *L = dyn_cast<LoadInst>(V);
  const auto *A = L ? dyn_cast<AllocaInst>(L->getPointerOperand()) : nullptr;
  if (!A || !L->isSimple() || !isPlainSlot(*A))
    return V;
  const Value *Stored = onlyStoredValue(*A);
  if (!Stored)
    return V;
  // `auto *m = static_cast<Map *>(arg)`: a slot filled from another slot.
  Stored = stripSpill(Stored);
  return isa<Argument>(Stored) ? Stored : V;
}

bool isSharedBase(const Value *V) {
  if (const auto *GV = dyn_cast<GlobalVariable>(V))
    return !GV->isThreadLocal();
  return isa<AllocaInst>(V) || isa<Argument>(V);
}

bool SourceLines::optedOut(const DebugLoc &DL) {
  const auto *Loc = DL.get();
  if (!Loc || !Loc->getLine())
    return false;
  SmallString<256> File(Loc->getFilename());
  if (!sys::path::is_absolute(File)) {
    File = Loc->getDirectory();
    sys::path::append(File, Loc->getFilename());
  }
  auto [It, New] = Sources.try_emplace(File);
  if (New)
    if (ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer =
            MemoryBuffer::getFile(File, /*IsText=*/true))
      It->second = std::move(*Buffer);
  if (!It->second)
    return false;
  StringRef Rest = It->second->getBuffer();
  for (unsigned Line = 1; Line < Loc->getLine() && !Rest.empty(); ++Line)
    Rest = Rest.split('\n').second;
  return Rest.split('\n').first.contains("NOLINT(mapguard)");
}

std::string mapName(const MapId &Id) {
  if (!Id.Steps.empty())
    return ""; // a member: its name is not kept in the IR
  if (const auto *GV = dyn_cast<GlobalVariable>(Id.Base)) {
    SmallVector<DIGlobalVariableExpression *, 1> GVEs;
    GV->getDebugInfo(GVEs);
    if (!GVEs.empty())
      return GVEs.front()->getVariable()->getName().str();
    return demangle(GV->getName().str());
  }
  if (const auto *A = dyn_cast<AllocaInst>(Id.Base)) {
    auto *Slot = const_cast<AllocaInst *>(A);
    if (DILocalVariable *Var = compat::declaredVariable(Slot))
      return Var->getName().str();
  }
  return "";
}

std::string describeLocation(const DebugLoc &DL) {
  if (!DL)
    return "<unknown>";
  return (sys::path::filename(DL->getFilename()) + ":" + Twine(DL.getLine()) +
          ":" + Twine(DL.getCol()))
      .str();
}

} // namespace mapguard
