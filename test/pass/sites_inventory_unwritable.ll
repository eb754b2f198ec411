; An inventory that cannot be opened for appending is an error naming it.
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-sites=%t.no-such-dir/sites.jsonl 2>&1 | FileCheck %s -DFILE=%t.no-such-dir/sites.jsonl

; CHECK: error: MapGuard: cannot append to the site inventory '[[FILE]]': No such file or directory

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

define void @f(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
