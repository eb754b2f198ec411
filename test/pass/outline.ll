; Strict mode's default: every guarded write outside a loop calls one internal, never
; inlined stub of its operation, passing its own site descriptor; the stub
; wraps the operation with the hooks, its exception path included. A site
; then costs the compiler one call, not two hook calls, an invoke and a
; landing pad.
; (With -mapguard-inline=0, so that the hooks are plain calls to check.)
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-inline=0 -S %s | FileCheck %s --check-prefixes=CHECK,LOOPINPLACE
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=1 -mapguard-inline=0 -S %s | FileCheck %s --check-prefixes=CHECK,LOOPSTUB
; By default the stub holds strict mode's inline claim and release.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s --check-prefix=STRICTSTUB
; Fast mode and -mapguard-outline=0 wrap each site in place.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=INPLACE
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s | FileCheck %s --check-prefix=INPLACE
; Fast mode can be outlined too; the stub then holds the inline claim.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -mapguard-outline=1 -S %s | FileCheck %s --check-prefix=FASTSTUB
; INPLACE-NOT: .mapguard(
; FASTSTUB:    define internal ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi.mapguard(ptr %map, ptr %arg, ptr %site)
; FASTSTUB:      @__mapguard_fast_table
; FASTSTUB:      store atomic i64 %mapguard.key
; STRICTSTUB:  define internal ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi.mapguard(ptr %map, ptr %arg, ptr %site)
; STRICTSTUB:    call i64 @__mapguard_strict_claim(ptr %map, ptr %site, i64 %mapguard.key, i64 %mapguard.seen, i64 %mapguard.bias.seen)
; STRICTSTUB:    store atomic i64 %mapguard.key, ptr %mapguard.slot release
; STRICTSTUB:    invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr %map, ptr %arg)
; STRICTSTUB:  mapguard.release:
; STRICTSTUB:    call void @__mapguard_write_end(ptr %map, ptr %site,
; STRICTSTUB:    landingpad
; STRICTSTUB-NEXT: cleanup
; STRICTSTUB-NEXT: call void @__mapguard_write_end(ptr %map, ptr %site,
; The module's claim function (strict_inline.ll) holds the compare-and-swap.
; STRICTSTUB:  define internal i64 @__mapguard_strict_claim(ptr %map, ptr %site, i64 %key, i64 %seen, i64 %bias)
; STRICTSTUB:    cmpxchg ptr %mapguard.slot, i64 %seen, i64 %key seq_cst seq_cst
; STRICTSTUB:    call i64 @__mapguard_write_begin(ptr %map, ptr %site)

@m = global [56 x i8] zeroinitializer, align 8
@n = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int&&), which may throw
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr, ptr)
; std::map<int, int>::erase(int const&), which cannot
declare i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr nocapture noundef, ptr nocapture readonly) nounwind
; std::map<int, int>::swap(std::map&): two maps
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr, ptr) nounwind
; std::map<int, int>::extract(int const&): returns through sret, the map is
; the second argument
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]), ptr, ptr) nounwind

; Two sites of one operation share its stub, each with its own descriptor.
; CHECK-LABEL: define void @put(ptr %k)
; CHECK-NEXT:    %r = call ptr @[[PUT:_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi.mapguard]](ptr @m, ptr %k, ptr @[[SITE1:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    store i32 1, ptr %r
; CHECK-NEXT:    %s = call ptr @[[PUT]](ptr @n, ptr %k, ptr @[[SITE2:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    ret void
define void @put(ptr %k) {
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
  store i32 1, ptr %r
  %s = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @n, ptr %k)
  ret void
}

; An invoke stays an invoke of the stub, to the same destinations.
; CHECK-LABEL: define void @put_invoke(ptr %k)
; CHECK-NEXT:    %r = invoke ptr @[[PUT]](ptr @m, ptr %k, ptr @{{__mapguard_site[.0-9]*}})
; CHECK-NEXT:            to label %ok unwind label %lp
; CHECK-NOT:     __mapguard_write
; CHECK:         ret void
define void @put_invoke(ptr %k) personality ptr @__gxx_personality_v0 {
  %r = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
          to label %ok unwind label %lp
ok:
  ret void
lp:
  %e = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %e
}

; The call site's claims about the operation's memory effects are dropped:
; the stub writes the runtime's table. Its other attributes stay.
; CHECK-LABEL: define i64 @drop(ptr %k)
; CHECK-NEXT:    %r = tail call noundef i64 @[[ERASE:_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_.mapguard]](ptr @m, ptr %k, ptr @{{__mapguard_site[.0-9]*}}) #[[SITEATTRS:[0-9]+]]
define i64 @drop(ptr %k) {
  %r = tail call noundef i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k) #0
  ret i64 %r
}

; CHECK-LABEL: define void @exchange(
; CHECK-NEXT:    call void @[[SWAP:_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_.mapguard]](ptr @m, ptr @n, ptr @{{__mapguard_site[.0-9]*}})
define void @exchange() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr @m, ptr @n)
  ret void
}

; CHECK-LABEL: define void @take(
; CHECK-NEXT:    call void @[[EXTRACT:_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_.mapguard]](ptr sret([32 x i8]) %node, ptr %m, ptr %k, ptr @{{__mapguard_site[.0-9]*}})
define void @take(ptr %node, ptr %m, ptr %k) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]) %node, ptr %m, ptr %k)
  ret void
}

; A call with an operand bundle keeps its bundle: it is wrapped in place.
; CHECK-LABEL: define void @bundled(ptr %k)
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr @m,
; CHECK-NEXT:    call i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k) [ "deopt"() ]
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m,
define void @bundled(ptr %k) {
  call i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k) [ "deopt"() ]
  ret void
}

; A write in a loop is wrapped in place by default: a stub would put its
; call, return, saves and restores into every run of the loop, inside the
; caller's lock if it holds one. (The loop calls an unknown function, so it
; is not one window: its write is guarded on its own.)
; -mapguard-outline=1 outlines it too.
; LOOPINPLACE-LABEL: define void @put_in_loop(ptr %k, i32 %n)
; LOOPINPLACE:         %mapguard.token = call i64 @__mapguard_write_begin(ptr @m, ptr @[[LOOPSITE:__mapguard_site[.0-9]*]])
; LOOPINPLACE-NEXT:    %r = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
; LOOPINPLACE-NOT:     .mapguard(
; LOOPINPLACE:         call void @__mapguard_write_end(ptr @m, ptr @[[LOOPSITE]], i64 %mapguard.token)
; LOOPINPLACE:         call void @opaque()
; LOOPINPLACE:       mapguard.cleanup:
; LOOPINPLACE:         call void @__mapguard_write_end(ptr @m, ptr @[[LOOPSITE]], i64 %mapguard.token)
; LOOPINPLACE-NEXT:    resume
; LOOPSTUB-LABEL: define void @put_in_loop(ptr %k, i32 %n)
; LOOPSTUB:         %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi.mapguard(ptr @m, ptr %k, ptr @{{__mapguard_site[.0-9]*}})
; LOOPSTUB-NOT:     __mapguard_write
; LOOPSTUB:         ret void
declare void @opaque()
define void @put_in_loop(ptr %k, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @opaque()
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; The stubs: the hooks around the operation, on every way out of it.
; CHECK:       define internal ptr @[[PUT]](ptr %map, ptr %arg, ptr %site) #[[MAYTHROW:[0-9]+]] personality ptr @__gxx_personality_v0 {
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr %map, ptr %site)
; CHECK-NEXT:    %[[R:.*]] = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr %map, ptr %arg)
; CHECK-NEXT:            to label %[[CONT:.*]] unwind label %[[CLEANUP:mapguard.cleanup.*]]
; CHECK:       [[CONT]]:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %map, ptr %site, i64 %[[T]])
; CHECK-NEXT:    ret ptr %[[R]]
; CHECK:       [[CLEANUP]]:
; CHECK-NEXT:    %[[LP:.*]] = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %map, ptr %site, i64 %[[T]])
; CHECK-NEXT:    resume { ptr, i32 } %[[LP]]
;
; The stub keeps the operation's parameter attributes, less those the hooks
; make untrue (they keep the map's address); its call of the operation
; keeps them all (LLVM 21 and up spell nocapture captures(none)).
; CHECK:       define internal i64 @[[ERASE]](ptr noundef %map, ptr %arg, ptr %site) #[[NOUNWIND:[0-9]+]] {
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr %map, ptr %site)
; CHECK-NEXT:    %[[R:.*]] = call i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr {{(nocapture noundef|noundef captures\(none\))}} %map, ptr {{(nocapture readonly|readonly captures\(none\))}} %arg)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %map, ptr %site, i64 %[[T]])
; CHECK-NEXT:    ret i64 %[[R]]
;
; CHECK:       define internal void @[[SWAP]](ptr %map, ptr %map1, ptr %site)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %[[T1:.*]] = call i64 @__mapguard_write_begin(ptr %map, ptr %site)
; CHECK-NEXT:    %[[T2:.*]] = call i64 @__mapguard_write_begin(ptr %map1, ptr %site)
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %map, ptr %map1)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %map1, ptr %site, i64 %[[T2]])
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %map, ptr %site, i64 %[[T1]])
;
; CHECK:       define internal void @[[EXTRACT]](ptr sret([32 x i8]) %arg, ptr %map, ptr %arg1, ptr %site)
; CHECK-NEXT:  entry:
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr %map, ptr %site)
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]) %arg, ptr %map, ptr %arg1)
;
; CHECK-DAG:   attributes #[[MAYTHROW]] = { noinline }
; CHECK-DAG:   attributes #[[NOUNWIND]] = { noinline nounwind }
; CHECK-DAG:   attributes #[[SITEATTRS]] = { nounwind }

declare i32 @__gxx_personality_v0(...)

attributes #0 = { nounwind memory(argmem: readwrite) nosync }

