//===- SiteDescriptors.cpp - The constant that names a site to the runtime ===//
//
// See SiteDescriptors.h.
//
//===----------------------------------------------------------------------===//
#include "SiteDescriptors.h"

#include "MapOperationCatalog.h"
#include "SiteReport.h"

#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace mapguard {

Constant *SiteDescriptors::string(StringRef S) {
  Constant *&Slot = Strings[S];
  if (!Slot) {
    Constant *Init = ConstantDataArray::getString(M.getContext(), S);
    auto *GV =
        new GlobalVariable(M, Init->getType(), /*isConstant=*/true,
                           GlobalValue::PrivateLinkage, Init, ".mapguard.str");
    GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    GV->setAlignment(Align(1));
    Slot = GV;
  }
  return Slot;
}

Constant *SiteDescriptors::get(const CallBase &CB, const MapOperation &Op,
                               StructType *SiteTy) {
  const Function &F = *CB.getFunction();
  // The runtime prints it relative to where the program runs when shorter.
  std::string File = sourcePath(CB.getDebugLoc().get(), M);
  unsigned Line = 0, Column = 0;
  if (const DILocation *Loc = CB.getDebugLoc()) {
    Line = Loc->getLine();
    Column = Loc->getColumn();
  }
  Type *I32 = Type::getInt32Ty(M.getContext());
  Constant *Fields[] = {
      string(File),
      string(prettifyFunctionName(demangle(F.getName().str()))),
      string(Op.Container),
      string(Op.Operation),
      ConstantInt::get(I32, Line),
      ConstantInt::get(I32, Column)};
  auto *GV = new GlobalVariable(
      M, SiteTy, /*isConstant=*/true, GlobalValue::PrivateLinkage,
      ConstantStruct::get(SiteTy, Fields), "__mapguard_site");
  GV->setAlignment(Align(8));
  return GV;
}

} // namespace mapguard
