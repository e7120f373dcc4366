// What native and Xen PV x86 share: the lazy MMU hooks are paravirt calls
// (PVOP_VCALL0(mmu.lazy_mode.*), arch/x86/include/asm/paravirt.h), and the kmap_local hooks
// of highmem.h flush lazy mode.
// Source: arch/x86/include/asm/highmem.h (157e118b5511, v5.11): arch_kmap_local_post_map()
// is arch_flush_lazy_mmu_mode(); post_unmap is flush_tlb_one_kernel() then the same.

import { FLUSH } from "../kernel/hooks";
import { nop } from "../kernel/primitives";
import { call, type Proc, proc } from "../kernel/program";

export const PARAVIRT_H = "arch/x86/include/asm/paravirt.h";
export const HIGHMEM_H = "arch/x86/include/asm/highmem.h";

/** arch_kmap_local_post_map() and arch_kmap_local_post_unmap() (highmem.h). */
export const kmapHooks: readonly Proc[] = [
  proc("arch_kmap_local_post_map", [call(FLUSH, {})]),
  proc("arch_kmap_local_post_unmap", [
    nop("arch_kmap_local_post_unmap", "flush_tlb_one_kernel(vaddr)", HIGHMEM_H),
    call(FLUSH, {}),
  ]),
];
