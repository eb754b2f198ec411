; A special-case list shared with the sanitizers: MapGuard reads the entries
; before any section header and those in sections whose glob matches
; "mapguard" ([mapguard], [{address,mapguard}]), not those of other sections.
; LLVM 16's section names are regular expressions ("{a,b}" is no choice).
; UNSUPPORTED: llvm-16
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   -mapguard-ignorelist=%S/Inputs/sections.txt | FileCheck %s

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @everywhere(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @everywhere() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; CHECK-LABEL: define void @tsan_only(
; CHECK:       __mapguard_strict_claim
define void @tsan_only() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; CHECK-LABEL: define void @mapguard_only(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @mapguard_only() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; CHECK-LABEL: define void @shared_section(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @shared_section() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}
