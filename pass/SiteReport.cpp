//===- SiteReport.cpp - What MapGuard decided at each map write -----------===//
//
// Remarks through OptimizationRemarkEmitter (with ore::NV arguments, so that
// -fsave-optimization-record's YAML has the fields) and the JSON-lines site
// inventory written with llvm::json.
//
//===----------------------------------------------------------------------===//
#include "SiteReport.h"

#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace mapguard {

/// The remarks' pass name: -Rpass=mapguard selects them.
static constexpr const char *RemarkPass = "mapguard";

StringRef decisionName(SiteDecision D) {
  switch (D) {
  case SiteDecision::Guarded:
    return "guarded";
  case SiteDecision::Elided:
    return "elided";
  case SiteDecision::Ignored:
    return "ignored";
  case SiteDecision::OptedOut:
    return "opted-out";
  case SiteDecision::Unsupported:
    return "unsupported";
  }
  llvm_unreachable("unknown site decision");
}

/// The remark name, as -fsave-optimization-record's "Name:" shows it.
static const char *remarkName(SiteDecision D) {
  switch (D) {
  case SiteDecision::Guarded:
    return "Guarded";
  case SiteDecision::Elided:
    return "Elided";
  case SiteDecision::Ignored:
    return "Ignored";
  case SiteDecision::OptedOut:
    return "OptedOut";
  case SiteDecision::Unsupported:
    return "Unsupported";
  }
  llvm_unreachable("unknown site decision");
}

SiteRecord::SiteRecord(const CallBase &CB, const MapOperation &Op,
                       SiteDecision Decision, std::string Reason)
    : Block(CB.getParent()), Loc(CB.getDebugLoc()), Op(&Op), Decision(Decision),
      Reason(std::move(Reason)) {}

static std::string readableName(const Function &F) {
  return prettifyFunctionName(demangle(F.getName().str()));
}

static void emitFunctionRemarks(ArrayRef<SiteRecord> Records) {
  const Function &F = *Records.front().Block->getParent();
  OptimizationRemarkEmitter ORE(&F);
  unsigned Guarded = 0, Elided = 0, Unguarded = 0;
  for (const SiteRecord &R : Records) {
    const MapOperation &Op = *R.Op;
    DiagnosticLocation Loc(R.Loc);
    if (R.Decision == SiteDecision::Guarded) {
      ++Guarded;
      ORE.emit([&] {
        return OptimizationRemark(RemarkPass, remarkName(R.Decision), Loc,
                                  R.Block)
               << "guarded write: " << ore::NV("Container", Op.Container)
               << Op.joiner() << ore::NV("Operation", Op.Operation) << " ("
               << ore::NV("Reason", R.Reason) << ")";
      });
      continue;
    }
    ++(R.Decision == SiteDecision::Elided ? Elided : Unguarded);
    ORE.emit([&] {
      return OptimizationRemarkMissed(RemarkPass, remarkName(R.Decision), Loc,
                                      R.Block)
             << "unguarded write: " << ore::NV("Container", Op.Container)
             << Op.joiner() << ore::NV("Operation", Op.Operation) << " ("
             << ore::NV("Decision", decisionName(R.Decision)) << ": "
             << ore::NV("Reason", R.Reason) << ")";
    });
  }
  ORE.emit([&] {
    OptimizationRemarkAnalysis R(RemarkPass, "FunctionSummary",
                                 DiagnosticLocation(F.getSubprogram()),
                                 &F.getEntryBlock());
    R << "map writes in " << ore::NV("FunctionName", readableName(F)) << ": "
      << ore::NV("Guarded", Guarded) << " guarded, "
      << ore::NV("Elided", Elided) << " elided";
    if (Unguarded)
      R << ", " << ore::NV("Unguarded", Unguarded)
        << " left unguarded otherwise";
    return R;
  });
}

void remarkReadWindow(const CallBase &First, const MapOperation &Op,
                      unsigned Line, bool Iteration) {
  OptimizationRemarkEmitter ORE(First.getFunction());
  ORE.emit([&] {
    OptimizationRemark R(RemarkPass,
                         Iteration ? "IterationWindow" : "ReadWindow", &First);
    R << (Iteration ? "checked iteration: " : "checked lookups: ")
      << ore::NV("Container", Op.Container) << Op.joiner()
      << ore::NV("Operation", Op.Operation)
      << (Iteration ? " (checked again where the loop"
                    : " (one check for each run of the loop");
    if (Line)
      R << " at line " << ore::NV("Line", Line);
    return R << (Iteration ? " ends)" : ")");
  });
}

void SiteReport::emitRemarks() const {
  // Records come function by function, in program order.
  ArrayRef<SiteRecord> All(Records);
  while (!All.empty()) {
    const Function *F = All.front().Block->getParent();
    size_t N = 1;
    while (N != All.size() && All[N].Block->getParent() == F)
      ++N;
    emitFunctionRemarks(All.take_front(N));
    All = All.drop_front(N);
  }
}

std::string sourcePath(const DILocation *Loc, const Module &M) {
  if (!Loc)
    return M.getSourceFileName();
  SmallString<128> Path(Loc->getFilename());
  if (!sys::path::is_absolute(Path) && !Loc->getDirectory().empty()) {
    Path = Loc->getDirectory();
    sys::path::append(Path, Loc->getFilename());
  }
  sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return Path.str().str();
}

void SiteReport::appendInventory(StringRef Path, Module &M) const {
  if (Records.empty())
    return;
  // The whole module's lines, built first: they go out in one write.
  std::string Buffer;
  raw_string_ostream OS(Buffer);
  for (const SiteRecord &R : Records) {
    const DILocation *Loc = R.Loc.get();
    // json::OStream keeps the keys in this order, which reads best.
    json::OStream J(OS);
    J.object([&] {
      J.attribute("file", sourcePath(R.Loc.get(), M));
      J.attribute("line", Loc ? Loc->getLine() : 0);
      J.attribute("column", Loc ? Loc->getColumn() : 0);
      J.attribute("function", readableName(*R.Block->getParent()));
      J.attribute("container", R.Op->Container);
      J.attribute("operation", R.Op->Operation);
      J.attribute("decision", decisionName(R.Decision));
      J.attribute("reason", R.Reason);
      J.attribute("loop_window", R.LoopWindow);
    });
    OS << '\n';
  }
  OS.flush();

  std::error_code EC;
  // O_APPEND: every write lands at the end of the file, even when several
  // compilers append at once.
  raw_fd_ostream Out(Path, EC, sys::fs::OF_Append);
  if (!EC) {
    Out.SetUnbuffered();
    Out.write(Buffer.data(), Buffer.size());
    EC = Out.error();
    Out.clear_error();
  }
  if (EC)
    reportError(M.getContext(), "cannot append to the site inventory '" + Path +
                                    "': " + EC.message());
}

namespace {
/// A message-only error. Its kind is a plugin kind: clang reports those as
/// plain backend errors.
class DiagnosticInfoMapGuard : public DiagnosticInfo {
public:
  explicit DiagnosticInfoMapGuard(const Twine &Message)
      : DiagnosticInfo(Kind, DS_Error), Message(Message) {}
  void print(DiagnosticPrinter &DP) const override {
    DP << "MapGuard: " << Message;
  }

private:
  static const int Kind;
  const Twine &Message;
};
const int DiagnosticInfoMapGuard::Kind = getNextAvailablePluginDiagnosticKind();
} // namespace

void reportError(LLVMContext &Ctx, const Twine &Message) {
  Ctx.diagnose(DiagnosticInfoMapGuard(Message));
}

void remarkAddressTaken(const Instruction &Where, const MapOperation &Op) {
  OptimizationRemarkEmitter ORE(Where.getFunction());
  ORE.emit([&] {
    return OptimizationRemarkMissed(RemarkPass, "AddressTaken", &Where)
           << "unguarded write: " << ore::NV("Container", Op.Container)
           << Op.joiner() << ore::NV("Operation", Op.Operation)
           << " (its address is taken here: calls through a function or "
              "member-function pointer are not checked)";
  });
}

} // namespace mapguard
