//===-- report_formats.cpp - Reports for machines: json and github --------===//
//
// report_format=json writes each report as one JSON object on one line:
//
//   {"kind":"concurrent-map-writes","message":"concurrent map writes",
//    "map":"0x...","container":"...","mode":"strict","pid":N,
//    "time":"2026-01-02T03:04:05.678901Z","accesses":[SECOND, FIRST]}
//
// where each access is {"access":"write"|"read"|"iteration","state":
// "in progress"|"ended","thread":{"id":N|null,"name":"..."},"function",
// "file","line","column","operation","stack":[{"function","file","line",
// "column"}...]} (null where unknown), and, with halt_on_error=0, a run that
// reported ends with {"kind":"summary","reports":N,"pid":N,"time":...}.
// Paths are absolute unless strip_path_prefix strips them. Strings are
// escaped as JSON requires; bytes that are not UTF-8 become U+FFFD.
//
// report_format=github writes the text report, then one GitHub Actions
// workflow command per site, `::error file=F,line=L,col=C,title=T::MESSAGE`,
// so that the pull request is annotated at both lines; without
// strip_path_prefix, paths under $GITHUB_WORKSPACE are given relative to it.
//
// Only the report's path gets here, under the report lock.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"
#include "stacks.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

using namespace __mapguard;

namespace {

// Scratch space for text that is escaped after it is formatted.
char g_scratch[4096];

// Formats into g_scratch with Fn(Output &); returns it, NUL-terminated
// (cut short if it does not fit).
template <class Fn> const char *Scratch(Fn Format) {
  Output Out(-1, g_scratch, sizeof(g_scratch) - 1); // never flushed
  Format(Out);
  size_t Len = Out.size();
  g_scratch[Len < sizeof(g_scratch) ? Len : sizeof(g_scratch) - 1] = 0;
  return g_scratch;
}

// The length of the UTF-8 sequence at P (RFC 3629), 0 if it is not one.
size_t Utf8Length(const unsigned char *P) {
  unsigned char C = P[0];
  size_t N;
  unsigned char Lo = 0x80, Hi = 0xbf; // the second byte's range
  if (C >= 0xc2 && C <= 0xdf) {
    N = 2;
  } else if (C >= 0xe0 && C <= 0xef) {
    N = 3;
    Lo = C == 0xe0 ? 0xa0 : 0x80;
    Hi = C == 0xed ? 0x9f : 0xbf;
  } else if (C >= 0xf0 && C <= 0xf4) {
    N = 4;
    Lo = C == 0xf0 ? 0x90 : 0x80;
    Hi = C == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (P[1] < Lo || P[1] > Hi)
    return 0;
  for (size_t I = 2; I < N; ++I)
    if (P[I] < 0x80 || P[I] > 0xbf)
      return 0;
  return N;
}

void JsonAccess(Output &Out, const ConflictWriter &W, int Which,
                const char *Access) {
  char Name[17];
  ReadThreadName(W, Name);
  const Site *S = W.site;
  Out.str("{\"access\":\"").str(Access).str("\",\"state\":\"");
  Out.str(W.ended ? "ended" : "in progress").str("\",\"thread\":{\"id\":");
  JsonNumber(Out, W.tid > 0 ? uint64_t(W.tid) : 0);
  Out.str(",\"name\":");
  JsonString(Out, Name);
  Out.str("},\"function\":");
  JsonString(Out, S && S->function && *S->function ? S->function : nullptr);
  Out.str(",\"file\":");
  JsonPath(Out, S ? S->file : nullptr);
  Out.str(",\"line\":");
  JsonNumber(Out, S ? S->line : 0);
  Out.str(",\"column\":");
  JsonNumber(Out, S ? S->column : 0);
  Out.str(",\"operation\":");
  JsonString(Out, S && S->operation && *S->operation ? S->operation : nullptr);
  Out.str(",\"stack\":[");
  const Frame *Frames;
  int Depth = StackFrames(W, Which, &Frames);
  for (int I = 0; I < Depth; ++I) {
    const Frame &F = Frames[I];
    Out.str(I ? ",{\"function\":" : "{\"function\":");
    JsonString(Out, strcmp(F.function, "??") == 0 ? nullptr : F.function);
    Out.str(",\"file\":");
    JsonPath(Out, F.file);
    Out.str(",\"line\":");
    JsonNumber(Out, F.line);
    Out.str(",\"column\":");
    JsonNumber(Out, F.column);
    Out.str("}");
  }
  Out.str("]}");
}

const char *KindId(ConflictKind Kind) {
  return Kind == ConflictKind::ReadWrite ? "concurrent-map-read-and-map-write"
         : Kind == ConflictKind::IterationWrite
             ? "concurrent-map-iteration-and-map-write"
             : "concurrent-map-writes";
}

// Big enough for a report in one write(2) (see report.cpp).
char g_json_buffer[16384];

// A workflow command's text: data escapes '%', CR and LF; a property's value
// ',' and ':' too.
void GithubEscaped(Output &Out, const char *S, bool Property) {
  for (; *S; ++S) {
    switch (*S) {
    case '%':
      Out.str("%25");
      break;
    case '\r':
      Out.str("%0D");
      break;
    case '\n':
      Out.str("%0A");
      break;
    case ':':
      Out.str(Property ? "%3A" : ":");
      break;
    case ',':
      Out.str(Property ? "%2C" : ",");
      break;
    default:
      Out.str(S, 1);
    }
  }
}

// The path GitHub matches against the repository: strip_path_prefix's, else
// relative to $GITHUB_WORKSPACE when under it, else absolute.
const char *GithubPath(const char *File) {
  const char *Path =
      Scratch([&](Output &S) { PrintSourcePath(S, File, true); });
  const char *Env = getenv("GITHUB_WORKSPACE");
  if (g_options.strip_path_prefix[0] || !Env || Env[0] != '/')
    return Path;
  static char Workspace[4096]; // normalized as the path is
  {
    Output W(-1, Workspace, sizeof(Workspace) - 1);
    PrintSourcePath(W, Env, true);
    Workspace[W.size()] = 0;
  }
  size_t Len = strlen(Workspace);
  if (Len > 1 && strncmp(Path, Workspace, Len) == 0 && Path[Len] == '/')
    return Path + Len + 1;
  return Path;
}

void PrintGithubAnnotations(const Conflict &C, int Fd) {
  const char *What, *Second;
  ConflictWords(C.kind, &What, &Second);
  static char Message[4096];
  {
    Output M(-1, Message, sizeof(Message) - 1); // never flushed
    M.str(Second).str(" by ");
    PrintWriter(M, C.second, "");
    M.str("while ");
    PrintWriter(M, C.first, FirstWriterDoing(C));
    M.str("map 0x").hex(C.map).str(" (");
    M.str(C.container && *C.container ? C.container : "<unknown>").str(")");
    size_t Len = M.size();
    Message[Len < sizeof(Message) ? Len : sizeof(Message) - 1] = 0;
  }
  Output Out(Fd, g_json_buffer, sizeof(g_json_buffer));
  const ConflictWriter *Writers[2] = {&C.second, &C.first};
  for (const ConflictWriter *W : Writers) {
    const Site *S = W->site;
    if (!S || !S->file || !*S->file || S->line == 0)
      continue; // nowhere to annotate
    Out.str("::error file=");
    GithubEscaped(Out, GithubPath(S->file), true);
    Out.str(",line=").dec(S->line);
    if (S->column)
      Out.str(",col=").dec(S->column);
    Out.str(",title=");
    GithubEscaped(Out, "MapGuard: ", true);
    GithubEscaped(Out, What, true);
    Out.str("::");
    GithubEscaped(Out, Message, false);
    Out.str("\n");
  }
  Out.flush();
}

} // namespace

void __mapguard::JsonString(Output &Out, const char *S) {
  if (!S) {
    Out.str("null");
    return;
  }
  Out.str("\"");
  for (const unsigned char *P = reinterpret_cast<const unsigned char *>(S);
       *P;) {
    unsigned char C = *P;
    if (C == '"' || C == '\\') {
      Out.str("\\").str(reinterpret_cast<const char *>(P++), 1);
    } else if (C == '\n') {
      Out.str("\\n"), ++P;
    } else if (C == '\t') {
      Out.str("\\t"), ++P;
    } else if (C < 0x20 || C == 0x7f) {
      Out.str("\\u00").str(&"0123456789abcdef"[C >> 4], 1);
      Out.str(&"0123456789abcdef"[C & 15], 1);
      ++P;
    } else if (C < 0x80) {
      Out.str(reinterpret_cast<const char *>(P++), 1);
    } else if (size_t N = Utf8Length(P)) {
      Out.str(reinterpret_cast<const char *>(P), N);
      P += N;
    } else {
      Out.str("\\ufffd"), ++P;
    }
  }
  Out.str("\"");
}

void __mapguard::JsonNumber(Output &Out, uint64_t V) {
  if (V)
    Out.dec(V);
  else
    Out.str("null");
}

void __mapguard::JsonPath(Output &Out, const char *File) {
  if (!File || !*File || strcmp(File, "??") == 0) {
    Out.str("null");
    return;
  }
  JsonString(Out, Scratch([&](Output &S) { PrintSourcePath(S, File, true); }));
}

void __mapguard::JsonTime(Output &Out) {
  timespec T;
  clock_gettime(CLOCK_REALTIME, &T);
  int64_t Days = T.tv_sec / 86400, Secs = T.tv_sec % 86400;
  // Howard Hinnant's civil_from_days.
  int64_t Z = Days + 719468, Era = Z / 146097;
  int64_t Doe = Z - Era * 146097;
  int64_t Yoe = (Doe - Doe / 1460 + Doe / 36524 - Doe / 146096) / 365;
  int64_t Doy = Doe - (365 * Yoe + Yoe / 4 - Yoe / 100);
  int64_t Mp = (5 * Doy + 2) / 153;
  int64_t Day = Doy - (153 * Mp + 2) / 5 + 1, Month = Mp < 10 ? Mp + 3 : Mp - 9;
  int64_t Year = Yoe + Era * 400 + (Month <= 2);
  auto Two = [&](int64_t V) {
    Out.str(&"0123456789"[V / 10], 1).str(&"0123456789"[V % 10], 1);
  };
  Out.str("\"").dec(uint64_t(Year)).str("-");
  Two(Month);
  Out.str("-");
  Two(Day);
  Out.str("T");
  Two(Secs / 3600);
  Out.str(":");
  Two(Secs / 60 % 60);
  Out.str(":");
  Two(Secs % 60);
  char Micro[7];
  for (int I = 5, V = int(T.tv_nsec / 1000); I >= 0; --I, V /= 10)
    Micro[I] = char('0' + V % 10);
  Out.str(".").str(Micro, 6).str("Z\"");
}

void __mapguard::PrintJsonReport(const Conflict &C, int Fd) {
  const char *What, *Second;
  ConflictWords(C.kind, &What, &Second);
  Output Out(Fd, g_json_buffer, sizeof(g_json_buffer));
  Out.str("{\"kind\":\"").str(KindId(C.kind)).str("\",\"message\":\"");
  Out.str(What).str("\",\"map\":\"0x").hex(C.map).str("\",\"container\":");
  JsonString(Out, C.container && *C.container ? C.container : nullptr);
  Out.str(",\"mode\":\"").str(C.fast ? "fast" : "strict");
  Out.str("\",\"pid\":").dec(uint64_t(getpid())).str(",\"time\":");
  JsonTime(Out);
  Out.str(",\"accesses\":[");
  JsonAccess(Out, C.second, 0, Second);
  Out.str(",");
  JsonAccess(Out, C.first, 1, "write");
  Out.str("]}\n");
  Out.flush();
}

void __mapguard::PrintJsonSummary(uint64_t N, int Fd) {
  char Buf[256];
  Output Out(Fd, Buf, sizeof(Buf));
  Out.str("{\"kind\":\"summary\",\"reports\":").dec(N);
  Out.str(",\"pid\":").dec(uint64_t(getpid())).str(",\"time\":");
  JsonTime(Out);
  Out.str("}\n");
  Out.flush();
}

void __mapguard::PrintReportInFormat(const Conflict &C, int Fd) {
  if (g_options.report_format == ReportFormat::Json) {
    PrintJsonReport(C, Fd);
    return;
  }
  PrintConflictReport(C, Fd);
  if (g_options.report_format == ReportFormat::Github)
    PrintGithubAnnotations(C, Fd);
}
