; On x86-64, fast mode's inline claim asks for the slot's line in exclusive
; state with PREFETCHW, written as inline assembly because llvm.prefetch
; becomes PREFETCHT0 without +prfchw; the call only reads the slot, so the
; map's own accesses may move around it. Other targets get llvm.prefetch
; (fast_mode.ll).
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s | FileCheck %s

target triple = "x86_64-unknown-linux-gnu"

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @clear(
; CHECK:         %[[SLOT:.*]] = getelementptr inbounds [16384 x { i64, ptr }], ptr @__mapguard_fast_table, i64 0, i64 %{{.*}}
; CHECK-NEXT:    call void asm sideeffect "prefetchw $0", "*m"(ptr elementtype(i8) %[[SLOT]]) #[[ATTRS:[0-9]+]]
; CHECK-NEXT:    %mapguard.seen = load atomic i64, ptr %[[SLOT]] monotonic, align 8
; CHECK-NOT:     @llvm.prefetch
; CHECK:       attributes #[[ATTRS]] = { nounwind memory(argmem: read) }
define void @clear(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
