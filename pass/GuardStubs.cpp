//===- GuardStubs.cpp - One guarded copy of each container operation ------===//
#include "GuardStubs.h"
#include "LLVMCompat.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace mapguard {

/// Parameter attributes a stub cannot pass through: they tie an argument to
/// its caller's frame or registers.
static bool hasFrameBoundArgument(AttributeList AL, unsigned NumArgs) {
  for (unsigned I = 0; I != NumArgs; ++I)
    for (Attribute::AttrKind K :
         {Attribute::InAlloca, Attribute::Preallocated, Attribute::Nest,
          Attribute::SwiftSelf, Attribute::SwiftError, Attribute::SwiftAsync})
      if (AL.hasParamAttr(I, K))
        return true;
  return false;
}

bool GuardStubs::canCallStub(const CallBase &CB) {
  const Function *Callee = CB.getCalledFunction();
  return Callee && // not an indirect call
         CB.getFunctionType() == Callee->getFunctionType() &&
         !Callee->isVarArg() && !CB.hasOperandBundles() &&
         !(isa<CallInst>(CB) && cast<CallInst>(CB).isMustTailCall()) &&
         !hasFrameBoundArgument(CB.getAttributes(), CB.arg_size()) &&
         !hasFrameBoundArgument(Callee->getAttributes(), CB.arg_size());
}

/// The function attributes a stub takes from the operation it guards: how
/// to generate code (target, frame pointer, unwind tables, sanitizers,
/// stack protector), never what the operation does to memory, which the
/// hooks change.
static AttrBuilder stubFunctionAttributes(const Function &Callee) {
  LLVMContext &Ctx = Callee.getContext();
  AttrBuilder B(Ctx);
  for (Attribute A : Callee.getAttributes().getFnAttrs()) {
    if (A.isStringAttribute()) {
      B.addAttribute(A);
      continue;
    }
    switch (A.getKindAsEnum()) {
    case Attribute::UWTable:
    case Attribute::NoUnwind:
    case Attribute::OptimizeNone:
    case Attribute::OptimizeForSize:
    case Attribute::MinSize:
    case Attribute::NoRedZone:
    case Attribute::NullPointerIsValid:
    case Attribute::SanitizeAddress:
    case Attribute::SanitizeThread:
    case Attribute::SanitizeMemory:
    case Attribute::SanitizeHWAddress:
    case Attribute::SanitizeMemTag:
    case Attribute::ShadowCallStack:
    case Attribute::SafeStack:
    case Attribute::StackProtect:
    case Attribute::StackProtectStrong:
    case Attribute::StackProtectReq:
      B.addAttribute(A);
      break;
    default:
      break;
    }
  }
  // The point of the stub: a site stays one call after inlining.
  B.addAttribute(Attribute::NoInline);
  return B;
}

/// Gives \p Stub an artificial subprogram when \p Callee has debug info, so
/// that the operation inlined into it keeps its line table (a debugger
/// steps into it as before) and the verifier's rule that inlinable calls
/// carry a location is met. Returns the location for the stub's code.
static DebugLoc giveSubprogram(Function &Stub, const Function &Callee) {
  const DISubprogram *CalleeSP = Callee.getSubprogram();
  if (!CalleeSP)
    return DebugLoc();
  DICompileUnit *CU = CalleeSP->getUnit();
  if (!CU || CU->getEmissionKind() == DICompileUnit::NoDebug)
    return DebugLoc();
  DIBuilder DIB(*Stub.getParent(), /*AllowUnresolved=*/false, CU);
  DISubprogram *SP = DIB.createFunction(
      CU->getFile(), CalleeSP->getName(), Stub.getName(), CU->getFile(),
      /*LineNo=*/0, DIB.createSubroutineType(DIB.getOrCreateTypeArray({})),
      /*ScopeLine=*/0, DINode::FlagArtificial,
      DISubprogram::SPFlagDefinition | DISubprogram::SPFlagLocalToUnit);
  Stub.setSubprogram(SP);
  DIB.finalizeSubprogram(SP);
  return DILocation::get(Stub.getContext(), 0, 0, SP);
}

Function *GuardStubs::get(const CallBase &CB, unsigned ThisArg,
                          unsigned NumMaps, CallInst *&NewInnerCall) {
  NewInnerCall = nullptr;
  Function *Callee = CB.getCalledFunction();
  bool MayUnwind = isa<InvokeInst>(CB) ||
                   !(CB.doesNotThrow() || CB.getFunction()->doesNotThrow());
  Function *&Stub = Stubs[{Callee, ThisArg, NumMaps, MayUnwind}];
  if (Stub)
    return Stub;

  LLVMContext &Ctx = M.getContext();
  FunctionType *CalleeTy = Callee->getFunctionType();
  SmallVector<Type *, 8> Params(CalleeTy->params());
  Params.push_back(PointerType::getUnqual(Ctx)); // the site descriptor
  auto *StubTy = FunctionType::get(CalleeTy->getReturnType(), Params, false);
  // The operation's own name with a clone suffix: demanglers, debuggers and
  // profilers show "std::map<...>::erase(int const&) [clone .mapguard]".
  Stub = Function::Create(StubTy, GlobalValue::InternalLinkage,
                          Callee->getName() + ".mapguard", M);
  Stub->setCallingConv(Callee->getCallingConv());
  AttributeList CalleeAttrs = Callee->getAttributes();
  // The inner call passes each argument as the callee declares it (byval,
  // sret and the like must match at the call). The stub's own parameters
  // say the same, less what the hooks make untrue: they keep the map's
  // address.
  SmallVector<AttributeSet, 8> InnerParams, StubParams;
  for (unsigned I = 0; I != CalleeTy->getNumParams(); ++I) {
    AttributeSet A = CalleeAttrs.getParamAttrs(I);
    InnerParams.push_back(A);
    for (Attribute::AttrKind K : {compat::CaptureAttr, Attribute::ReadNone,
                                  Attribute::ReadOnly, Attribute::WriteOnly})
      A = A.removeAttribute(Ctx, K);
    StubParams.push_back(A);
  }
  StubParams.push_back(AttributeSet()); // the site
  AttrBuilder FnAttrs = stubFunctionAttributes(*Callee);
  if (!MayUnwind)
    FnAttrs.addAttribute(Attribute::NoUnwind);
  Stub->setAttributes(AttributeList::get(Ctx, AttributeSet::get(Ctx, FnAttrs),
                                         CalleeAttrs.getRetAttrs(),
                                         StubParams));
  AttributeList InnerAttrs = AttributeList::get(
      Ctx, AttributeSet(), CalleeAttrs.getRetAttrs(), InnerParams);
  for (unsigned I = 0; I != Stub->arg_size() - 1; ++I)
    Stub->getArg(I)->setName(I < ThisArg || I >= ThisArg + NumMaps ? "arg"
                                                                   : "map");
  Stub->getArg(Stub->arg_size() - 1)->setName("site");

  IRBuilder<> B(BasicBlock::Create(Ctx, "entry", Stub));
  B.SetCurrentDebugLocation(giveSubprogram(*Stub, *Callee));
  SmallVector<Value *, 8> Args;
  for (unsigned I = 0; I != CalleeTy->getNumParams(); ++I)
    Args.push_back(Stub->getArg(I));
  CallInst *Inner = B.CreateCall(Callee, Args);
  Inner->setCallingConv(Callee->getCallingConv());
  Inner->setAttributes(InnerAttrs);
  if (Inner->getType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(Inner);
  NewInnerCall = Inner;
  return Stub;
}

CallBase *GuardStubs::redirect(CallBase &CB, Function *Stub, Value *Site) {
  LLVMContext &Ctx = CB.getContext();
  SmallVector<Value *, 8> Args(CB.args());
  Args.push_back(Site);
  // What the call site said of the operation's memory effects is not true
  // of the stub, whose hooks write the runtime's table.
  AttributeList AL = CB.getAttributes();
  for (Attribute::AttrKind K : {Attribute::Memory, Attribute::NoSync,
                                Attribute::NoFree, Attribute::Speculatable})
    AL = AL.removeFnAttribute(Ctx, K);
  CallBase *New;
  if (auto *II = dyn_cast<InvokeInst>(&CB)) {
    New = InvokeInst::Create(Stub, II->getNormalDest(), II->getUnwindDest(),
                             Args, "", compat::before(CB));
  } else {
    auto *CI = CallInst::Create(Stub, Args, "", compat::before(CB));
    CI->setTailCallKind(cast<CallInst>(CB).getTailCallKind());
    New = CI;
  }
  New->setCallingConv(CB.getCallingConv());
  New->setAttributes(AL);
  New->copyMetadata(CB);
  New->takeName(&CB);
  CB.replaceAllUsesWith(New);
  CB.eraseFromParent();
  return New;
}

} // namespace mapguard
