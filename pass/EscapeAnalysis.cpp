//===- EscapeAnalysis.cpp - Maps no other thread can reach ----------------===//
//
// A local map's address may be used only by
//
//   - members of the recognised containers, as `this` (operator=, which
//     returns `this`, only when its result is unused), or as the other
//     container of copy/move construction or assignment, swap and merge;
//   - llvm.lifetime.start/end, debug intrinsics, and a memset that
//     zero-initialises it (`std::map<K, V> m{};` at -O0);
//   - a store into a reference slot: a local whose address is only loaded
//     from and stored to, as clang makes for a reference variable and for
//     the hidden range of a range-for loop. What is loaded from the slot is
//     then followed by the same rules.
//
// Any other use (a store anywhere else, a call to any other function, a
// lambda capturing it, a return, a cast, a GEP, a phi...) is an escape.
// Pointers derived from the alloca are not followed: an escape is the safe
// answer.
//
//===----------------------------------------------------------------------===//
#include "EscapeAnalysis.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"

using namespace llvm;

namespace mapguard {

/// How many reference slots deep a map is looked for (a reference to a
/// reference to a map is two).
static constexpr unsigned MaxReferenceDepth = 4;

std::optional<std::string> LocalMapEscapeAnalysis::whyShared(const Value *Map) {
  return whyShared(Map, 0);
}

std::optional<std::string> LocalMapEscapeAnalysis::whyShared(const Value *Map,
                                                             unsigned Depth) {
  if (isa<GlobalVariable>(Map))
    return std::string("is a global variable");
  if (isa<Argument>(Map))
    return std::string("comes from the caller");
  if (const auto *Load = dyn_cast<LoadInst>(Map)) {
    // Through a reference variable: the map is whatever was stored in it,
    // and every one of those must be a local that does not escape.
    const auto *Slot = dyn_cast<AllocaInst>(Load->getPointerOperand());
    if (!Slot || Depth == MaxReferenceDepth || !isReferenceSlot(*Slot))
      return std::string("is reached through a pointer or reference");
    bool Stored = false;
    for (const User *U : Slot->users())
      if (const auto *Store = dyn_cast<StoreInst>(U)) {
        Stored = true;
        if (std::optional<std::string> Why =
                whyShared(Store->getValueOperand(), Depth + 1))
          return Why;
      }
    if (!Stored)
      return std::string("is reached through a pointer or reference");
    return std::nullopt;
  }
  if (isa<GetElementPtrInst>(Map))
    return std::string("is part of a larger object");
  if (isa<CallBase>(Map))
    return std::string("is returned by a call");
  const auto *AI = dyn_cast<AllocaInst>(Map);
  if (!AI)
    return std::string("is not a local variable");
  auto [It, Inserted] = Cache.try_emplace(AI);
  if (Inserted)
    It->second = findEscape(*AI);
  return It->second;
}

/// Whether \p Slot is a local that holds a pointer and nothing can reach but
/// its own loads and stores: a reference variable, at -O0 or before SROA.
bool LocalMapEscapeAnalysis::isReferenceSlot(const AllocaInst &Slot) {
  auto [It, Inserted] = Slots.try_emplace(&Slot);
  if (!Inserted)
    return It->second;
  bool Private = true;
  for (const Use &U : Slot.uses()) {
    const User *Usr = U.getUser();
    if (const auto *Load = dyn_cast<LoadInst>(Usr)) {
      Private &= !Load->isVolatile() && Load->getType()->isPointerTy();
    } else if (const auto *Store = dyn_cast<StoreInst>(Usr)) {
      // Stored to, never stored anywhere itself.
      Private &= U.getOperandNo() == Store->getPointerOperandIndex() &&
                 !Store->isVolatile() &&
                 Store->getValueOperand()->getType()->isPointerTy();
    } else if (const auto *CB = dyn_cast<CallBase>(Usr)) {
      Private &= CB->isLifetimeStartOrEnd();
    } else {
      Private = false;
    }
    if (!Private)
      break;
  }
  return It->second = Private;
}

const std::optional<ContainerMember> &
LocalMapEscapeAnalysis::member(const Function &Callee) {
  auto [It, Inserted] = Members.try_emplace(Callee.getName());
  if (Inserted)
    It->second = classifyContainerMember(Callee.getName());
  return It->second;
}

/// A callee as messages name it: qualified, without its parameters.
static std::string readableName(const Function &F) {
  std::string Name = qualifiedFunctionName(F.getName());
  return Name.empty() ? F.getName().str() : Name;
}

/// Why the local map \p AI may be reached by another thread, or
/// std::nullopt when no use of its address lets it escape.
std::optional<std::string>
LocalMapEscapeAnalysis::findEscape(const AllocaInst &AI) {
  // The map's address, and its copies loaded back from reference slots.
  SmallVector<const Value *, 4> Addresses = {&AI};
  SmallPtrSet<const Value *, 4> Seen = {&AI};
  while (!Addresses.empty()) {
    const Value *Address = Addresses.pop_back_val();
    for (const Use &U : Address->uses()) {
      const User *Usr = U.getUser();
      if (const auto *Store = dyn_cast<StoreInst>(Usr)) {
        const auto *Slot = dyn_cast<AllocaInst>(Store->getPointerOperand());
        if (U.getOperandNo() != 0)
          return std::string("is written by a plain store (not followed)");
        if (Store->isVolatile() || !Slot || !isReferenceSlot(*Slot))
          return std::string("has its address stored to memory (a lambda "
                             "capture, a pointer or a reference kept "
                             "somewhere)");
        for (const User *SlotUser : Slot->users())
          if (isa<LoadInst>(SlotUser) && Seen.insert(SlotUser).second)
            Addresses.push_back(SlotUser);
        continue;
      }
      if (isa<ReturnInst>(Usr))
        return std::string("is returned");
      if (isa<PtrToIntInst>(Usr))
        return std::string("has its address converted to an integer");
      const auto *CB = dyn_cast<CallBase>(Usr);
      if (!CB)
        return "has its address used by " +
               std::string(cast<Instruction>(Usr)->getOpcodeName()) +
               " (not followed)";
      if (CB->isLifetimeStartOrEnd() || isa<DbgInfoIntrinsic>(CB))
        continue;
      if (const auto *MS = dyn_cast<MemSetInst>(CB))
        if (&U == &MS->getRawDestUse() && !MS->isVolatile())
          continue;
      const Function *Callee = CB->getCalledFunction();
      if (!Callee || CB->isCallee(&U))
        return std::string("has its address passed to an indirect call");
      if (!CB->isArgOperand(&U))
        return std::string("has its address in an operand bundle");
      const std::optional<ContainerMember> &Member = member(*Callee);
      if (!Member)
        return "has its address passed to " + readableName(*Callee);
      unsigned ArgNo = CB->getArgOperandNo(&U);
      unsigned ThisArg = containerArgument(*CB);
      if (ArgNo == ThisArg) {
        // operator= hands `this` back: follow it no further than "unused".
        if (Member->ReturnsThis && !CB->use_empty())
          return "has its address returned by " + Member->Name + " and used";
        continue;
      }
      if (ArgNo == ThisArg + 1 && CB->arg_size() == ThisArg + 2 &&
          Member->TakesOtherContainer)
        continue;
      return "has its address passed to " + Member->Name + " as argument " +
             std::to_string(ArgNo);
    }
  }
  return std::nullopt;
}

} // namespace mapguard
