; Pointers derived from a local map (a field of a local struct, a phi or a
; select of two locals) are not followed: the analysis treats them as
; escapes and the writes stay guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s | FileCheck %s

%struct.Holder = type { i64, [48 x i8] }

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @map_in_local_struct(
; CHECK:       call i64 @__mapguard_strict_claim(ptr %field,
define void @map_in_local_struct() {
  %h = alloca %struct.Holder, align 8
  %field = getelementptr inbounds %struct.Holder, ptr %h, i32 0, i32 1
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %field)
  ret void
}

; CHECK-LABEL: define void @select_of_locals(
; CHECK:       call i64 @__mapguard_strict_claim(ptr %m,
; CHECK:       call i64 @__mapguard_strict_claim(ptr %a,
define void @select_of_locals(i1 %c) {
  %a = alloca [48 x i8], align 8
  %b = alloca [48 x i8], align 8
  %m = select i1 %c, ptr %a, ptr %b
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ; %a's address flows into the select: %a counts as escaping too.
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %a)
  ret void
}

; CHECK-LABEL: define void @phi_of_locals(
; CHECK:       call i64 @__mapguard_strict_claim(ptr %m,
define void @phi_of_locals(i1 %c) {
entry:
  %a = alloca [48 x i8], align 8
  %b = alloca [48 x i8], align 8
  br i1 %c, label %left, label %join
left:
  br label %join
join:
  %m = phi ptr [ %a, %left ], [ %b, %entry ]
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
