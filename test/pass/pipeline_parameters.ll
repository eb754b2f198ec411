; The pass's pipeline name takes the mode as a parameter, as LLVM's own
; passes do: mapguard<fast> emits what -mapguard-mode=fast does, and
; mapguard<strict> overrides -mapguard-mode=fast; -print-pipeline-passes
; prints the parameter back; an unknown parameter is an error naming it.
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard<fast>' -S %s -o %t.param
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s -o %t.flag
; RUN: diff %t.param %t.flag
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard<strict>' -mapguard-mode=fast -S %s -o %t.strict
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s -o %t.default
; RUN: diff %t.strict %t.default
; RUN: not diff %t.strict %t.flag > /dev/null
; RUN: %opt -load-pass-plugin=%plugin -passes='mapguard<fast>' -print-pipeline-passes -disable-output %s | FileCheck %s --check-prefix=PRINT
; PRINT: mapguard<fast>
; RUN: not %opt -load-pass-plugin=%plugin -passes='mapguard<quick>' -disable-output %s 2>&1 | FileCheck %s --check-prefix=BAD
; BAD: MapGuard: invalid mapguard pass parameter 'quick' (expected 'fast' or 'strict')

@m = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr) nounwind

define void @write(ptr %k) nounwind {
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  ret void
}
