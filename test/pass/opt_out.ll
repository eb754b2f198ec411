; MAPGUARD_NO_INSTRUMENT (annotate("mapguard_no_instrument")) and clang's
; disable_sanitizer_instrumentation attribute keep a function's writes
; unguarded; an unrelated annotation does not.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s | FileCheck %s

@m = global [48 x i8] zeroinitializer, align 8
@.str.skip = private unnamed_addr constant [23 x i8] c"mapguard_no_instrument\00", section "llvm.metadata"
@.str.other = private unnamed_addr constant [6 x i8] c"other\00", section "llvm.metadata"
@.str.file = private unnamed_addr constant [6 x i8] c"a.cpp\00", section "llvm.metadata"
@llvm.global.annotations = appending global [2 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @skipped, ptr @.str.skip, ptr @.str.file, i32 3, ptr null },
  { ptr, ptr, ptr, i32, ptr } { ptr @annotated_otherwise, ptr @.str.other, ptr @.str.file, i32 9, ptr null }
], section "llvm.metadata"

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @skipped(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @skipped() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; CHECK-LABEL: define void @no_sanitize(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @no_sanitize() disable_sanitizer_instrumentation {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; CHECK-LABEL: define void @annotated_otherwise(
; CHECK:       call i64 @__mapguard_strict_claim(ptr @m,
; CHECK:       call void @__mapguard_write_end(ptr @m,
define void @annotated_otherwise() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}
