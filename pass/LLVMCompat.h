//===- LLVMCompat.h - The one place LLVM version differences live ---------===//
//
// MapGuard builds against LLVM 16, 19 and 22 from one source. Anything that
// differs between those releases (renamed helpers, moved headers, debug
// records replacing debug intrinsics) is wrapped here and nowhere else; the
// pass calls the mapguard::compat names below.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_LLVMCOMPAT_H
#define MAPGUARD_LLVMCOMPAT_H

#include "llvm/Config/llvm-config.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/SpecialCaseList.h"

#if LLVM_VERSION_MAJOR < 16
#error "MapGuard needs LLVM 16 or newer (it is tested with 16, 19 and 22)"
#endif

// EHPersonalities.h moved from Analysis/ to IR/ in LLVM 17.
#if LLVM_VERSION_MAJOR >= 17
#include "llvm/IR/EHPersonalities.h"
#else
#include "llvm/Analysis/EHPersonalities.h"
#endif

// PassPlugin.h moved from Passes/ to Plugins/ in LLVM 22.
#if LLVM_VERSION_MAJOR >= 22
#include "llvm/Plugins/PassPlugin.h"
#else
#include "llvm/Passes/PassPlugin.h"
#endif

namespace mapguard::compat {

/// The parameter attribute that says a pointer is not captured: nocapture up
/// to LLVM 20, captures(...) since.
#if LLVM_VERSION_MAJOR >= 21
constexpr llvm::Attribute::AttrKind CaptureAttr = llvm::Attribute::Captures;
#else
constexpr llvm::Attribute::AttrKind CaptureAttr = llvm::Attribute::NoCapture;
#endif

/// The line of List's entry that matches Query (0: none). LLVM 22 returns
/// the file's index and the line.
inline unsigned matchingLine(const llvm::SpecialCaseList &List,
                             llvm::StringRef Section, llvm::StringRef Prefix,
                             llvm::StringRef Query) {
#if LLVM_VERSION_MAJOR >= 22
  return List.inSectionBlame(Section, Prefix, Query).second;
#else
  return List.inSectionBlame(Section, Prefix, Query);
#endif
}

/// Where a new instruction goes: before I (an iterator since LLVM 18, an
/// Instruction * before).
#if LLVM_VERSION_MAJOR >= 18
inline llvm::BasicBlock::iterator before(llvm::Instruction &I) {
  return I.getIterator();
}
#else
inline llvm::Instruction *before(llvm::Instruction &I) { return &I; }
#endif

/// Branch weights for a likely / unlikely branch (MDBuilder has them itself
/// since LLVM 19; the same weights before).
inline llvm::MDNode *likelyBranchWeights(llvm::MDBuilder &MDB) {
#if LLVM_VERSION_MAJOR >= 19
  return MDB.createLikelyBranchWeights();
#else
  return MDB.createBranchWeights((1U << 20) - 1, 1);
#endif
}
inline llvm::MDNode *unlikelyBranchWeights(llvm::MDBuilder &MDB) {
#if LLVM_VERSION_MAJOR >= 19
  return MDB.createUnlikelyBranchWeights();
#else
  return MDB.createBranchWeights(1, (1U << 20) - 1);
#endif
}

/// A glob of at most MaxSubPatterns brace alternatives (LLVM 16 has no
/// limit to pass).
inline llvm::Expected<llvm::GlobPattern> createGlob(llvm::StringRef Glob,
                                                    size_t MaxSubPatterns) {
#if LLVM_VERSION_MAJOR >= 18
  return llvm::GlobPattern::create(Glob, MaxSubPatterns);
#else
  (void)MaxSubPatterns;
  return llvm::GlobPattern::create(Glob);
#endif
}

/// The source variable a stack slot holds: its dbg.declare, or at -O1 and up
/// (where -g tracks assignments) its first assignment marker: as debug
/// records (LLVM 19 and up) or debug intrinsics (up to 19, which has both).
inline llvm::DILocalVariable *declaredVariable(llvm::AllocaInst *Slot) {
#if LLVM_VERSION_MAJOR >= 19
  for (llvm::DbgVariableRecord *DVR : llvm::findDVRDeclares(Slot))
    return DVR->getVariable();
#endif
#if LLVM_VERSION_MAJOR >= 17 && LLVM_VERSION_MAJOR <= 19
  for (llvm::DbgDeclareInst *DDI : llvm::findDbgDeclares(Slot))
    return DDI->getVariable();
#elif LLVM_VERSION_MAJOR < 17
  for (llvm::DbgDeclareInst *DDI : llvm::FindDbgDeclareUses(Slot))
    return DDI->getVariable();
#endif
#if LLVM_VERSION_MAJOR >= 19
  for (llvm::DbgVariableRecord *DVR : llvm::at::getDVRAssignmentMarkers(Slot))
    return DVR->getVariable();
#endif
#if LLVM_VERSION_MAJOR <= 19
  for (llvm::DbgAssignIntrinsic *DAI : llvm::at::getAssignmentMarkers(Slot))
    return DAI->getVariable();
#endif
  return nullptr;
}

} // namespace mapguard::compat

#endif // MAPGUARD_LLVMCOMPAT_H
