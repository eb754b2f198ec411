//===-- report.h - The report and the runtime's output ----------*- C++ -*-===//
//
// What report.cpp offers the rest of the runtime (mapguard_internal.h has
// the rules every file follows): the conflict report, where it goes, and a
// fixed buffer that writes itself with write(2).
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_REPORT_H
#define MAPGUARD_REPORT_H

#include "mapguard_abi.h"

#include <stddef.h>
#include <stdint.h>

namespace __mapguard {

typedef __mapguard_site Site;

struct ConflictWriter {
  const Site *site; // null: the site could not be read ("<unknown site>")
  int32_t tid;
  bool is_current; // the thread running the report (names it by prctl)
  // Its thread's index (0: unknown), whose registered name stands in once
  // the thread has exited.
  uint16_t thread_index = 0;
  // A write that began and ended during the current thread's loop of
  // lookups (found at the end of a read window): "wrote it during these
  // reads", not "was writing it".
  bool ended = false;
  // The slot the other thread's access holds, and its key there: its stack
  // is asked for only while the slot still holds it.
  Slot *slot = nullptr;
  uint64_t key = 0;
};

// What the second thread was doing when it met the writer: Go's three
// messages.
enum class ConflictKind { Writes, ReadWrite, IterationWrite };

struct Conflict {
  uintptr_t map;
  const char *container; // from the current thread's site
  ConflictWriter second; // started writing while `first` was writing
  ConflictWriter first;
  // Writes, unless a read or an iteration check found the writer.
  ConflictKind kind = ConflictKind::Writes;
  bool fast = false; // found in fast mode's table
};

// Formats the report for C and writes it to Fd. No lock, no dedupe, no halt.
void PrintConflictReport(const Conflict &C, int Fd);
// The same in g_options.report_format (report_formats.cpp).
void PrintReportInFormat(const Conflict &C, int Fd);
// The JSON line for C, and the one that ends a run with N reports
// (halt_on_error=0).
void PrintJsonReport(const Conflict &C, int Fd);
void PrintJsonSummary(uint64_t N, int Fd);
// Go's message for Kind ("concurrent map writes"), and what the second
// thread was doing ("write", "read", "iteration").
void ConflictWords(ConflictKind Kind, const char **What, const char **Second);
// What the first thread was doing: " was writing it", ...
const char *FirstWriterDoing(const Conflict &C);
// Into Name (at least 17 bytes): W's thread's name, "?" if unavailable.
void ReadThreadName(const ConflictWriter &W, char *Name);
class Output;
// "thread <tid> "<name>"<Doing> in <function> at <file:line:col> [<op>]\n"
void PrintWriter(Output &Out, const ConflictWriter &W, const char *Doing);
// Reports C: under the report lock, to the log; then abort() if
// halt_on_error, else count it (each unordered pair of sites once).
void ReportConflict(const Conflict &C);
// Reports printed so far (halt_on_error=0).
uint64_t ReportCount();
// Conflicts found so far, including those not printed again because their
// pair of sites had been reported already.
uint64_t ConflictCount();
// The end of exit (options.cpp calls it after every other exit handler and
// destructor): verbosity output, and with reports pending the summary lines
// and _exit(exitcode).
void ReportAtExit();
// The report lock, and its reset in a forked child.
void LockReports();
void UnlockReports();
void ResetReportLockAfterFork();

// The file descriptor for reports under g_options.log_path (stderr, after a
// warning the first time, if the file cannot be opened); CloseLogFd after.
int OpenLogFd();
void CloseLogFd(int Fd);

// A source path as a reader opens it (source_paths.cpp); ForMachines: never
// relative to the current directory (absolute, unless strip_path_prefix).
void PrintSourcePath(Output &Out, const char *File, bool ForMachines = false);

// JSON pieces (report_formats.cpp): S as a string (escaped; bytes that are
// not UTF-8 become U+FFFD) or null; V, or null when 0 (unknown); a source
// path as machines get it (absolute, unless strip_path_prefix) or null; the
// time, UTC, as "YYYY-MM-DDTHH:MM:SS.uuuuuuZ".
void JsonString(Output &Out, const char *S);
void JsonNumber(Output &Out, uint64_t V);
void JsonPath(Output &Out, const char *File);
void JsonTime(Output &Out);

// write(2) all of Buf (retrying on EINTR and short writes).
void WriteAll(int Fd, const char *Buf, size_t Len);

// A fixed buffer that writes itself to an fd when full and on flush(). With
// an fd < 0 it is a string: what does not fit is dropped.
class Output {
public:
  Output(int OutFd, char *Buffer, size_t Capacity)
      : Fd(OutFd), Buf(Buffer), Cap(Capacity) {}
  Output(const Output &) = delete;
  Output &operator=(const Output &) = delete;

  Output &str(const char *S);
  Output &str(const char *S, size_t Len);
  Output &dec(uint64_t V);
  Output &hex(uint64_t V);
  Output &pid(); // "==<pid>=="
  void flush();
  size_t size() const { return Len; }

private:
  int Fd;
  char *Buf;
  size_t Cap;
  size_t Len = 0;
};

} // namespace __mapguard

#endif // MAPGUARD_REPORT_H
