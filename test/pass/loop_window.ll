; A loop whose writes all go to one map, with nothing between them that could
; synchronise with another thread, gets one guarded window per run instead of
; one per write: the first write of a run opens it (a flag in the frame says
; whether it is open), and it is closed on every way out of the loop, the
; exception path included. Under stress each write calls the runtime, which
; may sleep inside the window. Anything that could synchronise, an unknown call,
; two maps, or a map that changes from one iteration to the next keeps the
; window per write.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -mapguard-loop-windows=0 -S %s | FileCheck %s --check-prefix=OFF
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s --check-prefix=REMARK
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST

@m = global [56 x i8] zeroinitializer, align 8
@m2 = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr)
declare void @log_write(i32)
declare i32 @__gxx_personality_v0(...)

define internal i32 @square(i32 %x) {
  %y = mul i32 %x, %x
  ret i32 %y
}

define internal i32 @square_and_log(i32 %x) {
  call void @log_write(i32 %x)
  %y = mul i32 %x, %x
  ret i32 %y
}

; One window: opened at the write when the flag says closed, closed where
; the loop exits and in the cleanup of the write's exception path.
; CHECK-LABEL: define void @fill(i32 %n)
; CHECK:         %[[OPEN:mapguard.loop.state.*]] = alloca i8
; CHECK:         store i8 0, ptr %[[OPEN]]
; CHECK:         %[[STRESSED:mapguard.loop.stressed.*]] = alloca i1
; CHECK:         load i8, ptr @__mapguard_fast_inline
; A write that finds the window open with stress off (state 1) goes on to
; the map's call at once: one test.
; CHECK:       loop:
; CHECK:         %[[S:.*]] = load i8, ptr %[[OPEN]]
; CHECK-NEXT:    %[[NOTQUIET:.*]] = icmp ne i8 %[[S]], 1
; CHECK-NEXT:    br i1 %[[NOTQUIET]], label %mapguard.loop.checks, label %[[WRITE:.*]], !prof
; Under stress=1 every write of the loop may still sleep with the window open.
; CHECK:       mapguard.loop.checks:
; CHECK-NEXT:    %[[ST:.*]] = load i1, ptr %[[STRESSED]]
; CHECK-NEXT:    br i1 %[[ST]], label %mapguard.stress
; CHECK:       mapguard.stress:
; CHECK-NEXT:    call void @__mapguard_stress_tick()
; CHECK:         %[[S2:.*]] = load i8, ptr %[[OPEN]]
; CHECK-NEXT:    icmp eq i8 %[[S2]], 0
; CHECK:       mapguard.loop.begin:
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr @m, ptr @{{__mapguard_site.*}})
; Opened under stress, the window is state 2, which the write's test sends
; to the checks every time.
; CHECK:         %[[ST2:.*]] = load i1, ptr %[[STRESSED]]
; CHECK-NEXT:    %[[NEW:.*]] = select i1 %[[ST2]], i8 2, i8 1
; CHECK-NEXT:    store i8 %[[NEW]], ptr %[[OPEN]]
; CHECK:       [[WRITE]]:
; CHECK:         invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
; CHECK-NEXT:            to label %{{.*}} unwind label %mapguard.loop.cleanup
; CHECK:       exit:
; CHECK-NEXT:    %[[E:.*]] = load i8, ptr %[[OPEN]]
; CHECK-NEXT:    %[[ISOPEN:.*]] = icmp ne i8 %[[E]], 0
; CHECK-NEXT:    br i1 %[[ISOPEN]], label %mapguard.loop.end, label
; CHECK:       mapguard.loop.end:
; CHECK:         call void @__mapguard_write_end(
; CHECK-NEXT:    store i8 0, ptr %[[OPEN]]
; CHECK:       mapguard.loop.cleanup:
; CHECK-NEXT:    %[[LP:.*]] = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK:         call void @__mapguard_write_end(
; CHECK:         resume { ptr, i32 } %[[LP]]
; CHECK-NOT:     @__mapguard_write_begin
; OFF-LABEL:   define void @fill(i32 %n)
; OFF-NOT:       mapguard.loop
; OFF:           call i64 @__mapguard_write_begin(ptr @m
; OFF-NEXT:      invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
; OFF-LABEL:   define void @fill_pure_helper
; REMARK: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop)
define void @fill(i32 %n) {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  store i32 %i, ptr %k
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A call whose body holds nothing that synchronises does not split the window.
; CHECK-LABEL: define void @fill_pure_helper
; CHECK:       mapguard.loop.begin:
; CHECK-NOT:   mapguard.loop.site{{[0-9]+}}:
; CHECK:       ret void
define void @fill_pure_helper(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %sq = call i32 @square(i32 %i) nounwind
  store i32 %sq, ptr %k
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A window with two writes in it: at each write, strict mode points the
; window's slot (the token, its low bit cleared: set, it says the slot is
; not the map's home) at that write's descriptor, and the end hook's
; site follows it too. Fast mode leaves the slot alone (a racing writer may
; have stored its own key and site over it). A window with one write needs
; neither (@fill_pure_helper above).
; CHECK-LABEL: define void @fill_two_writes
; CHECK:       mapguard.loop.begin:
; CHECK:         call i64 @__mapguard_write_begin(ptr @m, ptr [[FIRST:@[^,]+]])
; CHECK:         store ptr [[FIRST]], ptr %mapguard.loop.site
; CHECK:         [[TOK1:%.*]] = load i64, ptr %mapguard.loop.token
; CHECK:         icmp ne i64 [[TOK1]], 0
; CHECK:       mapguard.loop.site{{[0-9]+}}:
; CHECK-NEXT:    [[MASKED1:%.*]] = and i64 [[TOK1]], -4
; CHECK-NEXT:    [[SLOT1:%.*]] = inttoptr i64 [[MASKED1]] to ptr
; CHECK-NEXT:    [[FIELD1:%.*]] = getelementptr inbounds{{( nuw)?}} { i64, ptr }, ptr [[SLOT1]], i32 0, i32 1
; CHECK-NEXT:    store atomic ptr [[FIRST]], ptr [[FIELD1]] release, align 8
; CHECK:         call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
; CHECK:         call i64 @__mapguard_write_begin(ptr @m, ptr [[SECOND:@[^,]+]])
; CHECK:         store ptr [[SECOND]], ptr %mapguard.loop.site
; CHECK:       mapguard.loop.site{{[0-9]+}}:
; CHECK:         store atomic ptr [[SECOND]], ptr {{%.*}} release, align 8
; CHECK:         call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k2)
; CHECK:       mapguard.loop.end:
; CHECK-NEXT:    load ptr, ptr %mapguard.loop.map
; CHECK-NEXT:    load i64, ptr %mapguard.loop.token
; CHECK-NEXT:    [[ENDSITE:%.*]] = load ptr, ptr %mapguard.loop.site
; CHECK:         call void @__mapguard_write_end(ptr {{%.*}}, ptr [[ENDSITE]],
; FAST-LABEL:  define void @fill_two_writes
; FAST-NOT:    mapguard.loop.site{{[0-9]+}}:
; FAST:        ret void
define void @fill_two_writes(i32 %n) nounwind {
entry:
  %k = alloca i32
  %k2 = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  store i32 %i, ptr %k
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  %j = add i32 %i, 1000
  store i32 %j, ptr %k2
  %r2 = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k2)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Before SROA the map pointer is reloaded from its slot every iteration: the
; same map, since the loop never stores to the slot.
; CHECK-LABEL: define void @fill_through_slot
; CHECK:       mapguard.loop.begin:
; CHECK:         call i64 @__mapguard_write_begin(ptr %p,
define void @fill_through_slot(ptr %map, i32 %n) nounwind {
entry:
  %map.addr = alloca ptr
  %k = alloca i32
  store ptr %map, ptr %map.addr
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %p = load ptr, ptr %map.addr
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %p, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; An empty asm with a memory clobber (benchmark::ClobberMemory) emits no
; instruction: it cannot synchronise.
; CHECK-LABEL: define void @fill_compiler_barrier
; CHECK:       mapguard.loop.begin:
define void @fill_compiler_barrier(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  call void asm sideeffect "", "~{memory}"()
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; Each of these keeps one window per write.
; CHECK-LABEL: define void @fill_unknown_call
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr @m
; CHECK-NEXT:    call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
define void @fill_unknown_call(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  call void @log_write(i32 %i)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; CHECK-LABEL: define void @fill_helper_with_unknown_call
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr @m
; CHECK-NEXT:    call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
define void @fill_helper_with_unknown_call(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %sq = call i32 @square_and_log(i32 %i) nounwind
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; CHECK-LABEL: define void @fill_atomic(
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr @m
; CHECK-NEXT:    call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
define void @fill_atomic(ptr %counter, i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  %old = atomicrmw add ptr %counter, i32 1 seq_cst
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; CHECK-LABEL: define void @fill_asm_fence(
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr @m
define void @fill_asm_fence(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  call void asm sideeffect "mfence", "~{memory}"()
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; CHECK-LABEL: define void @fill_two_maps(
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr @m,
; CHECK:         call i64 @__mapguard_write_begin(ptr @m2,
define void @fill_two_maps(i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  %r2 = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m2, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; A map that changes between iterations (an array of maps).
; CHECK-LABEL: define void @fill_each_map(
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr %each,
define void @fill_each_map(ptr %maps, i32 %n) nounwind {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %each = getelementptr [56 x i8], ptr %maps, i32 %i
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %each, ptr %k)
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; The slot the map pointer is loaded from is stored inside the loop.
; CHECK-LABEL: define void @fill_slot_stored_in_loop(
; CHECK-NOT:     mapguard.loop
; CHECK:         call i64 @__mapguard_write_begin(ptr %p,
define void @fill_slot_stored_in_loop(ptr %a, ptr %b, i32 %n) nounwind {
entry:
  %map.addr = alloca ptr
  %k = alloca i32
  store ptr %a, ptr %map.addr
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %p = load ptr, ptr %map.addr
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr %p, ptr %k)
  store ptr %b, ptr %map.addr
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

; An invoke in the loop whose landing pad is outside it: the window is closed
; at the top of the landing pad too (where the state is closed on other
; paths).
; CHECK-LABEL: define void @fill_invoke(
; CHECK:       mapguard.loop.begin:
; CHECK:       lpad:
; CHECK-NEXT:    %lp = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    %[[O:.*]] = load i8, ptr %mapguard.loop.state
; CHECK-NEXT:    %[[ISOPEN:.*]] = icmp ne i8 %[[O]], 0
; CHECK-NEXT:    br i1 %[[ISOPEN]], label %mapguard.loop.end
define void @fill_invoke(i32 %n) personality ptr @__gxx_personality_v0 {
entry:
  %k = alloca i32
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %next, %cont ]
  %r = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
          to label %cont unwind label %lpad
cont:
  %next = add i32 %i, 1
  %done = icmp eq i32 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
lpad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}
