#!/usr/bin/python3
"""elf-phdrs-first.py ELF: rewrite ELF (a copy, in place) so that its program headers
follow the ELF header directly and it has no section headers.

QEMU 7.2's dump-guest-memory writes ELF64 cores with two section headers at offset 64
and the program headers after them (e_phoff 192). makedumpfile (1.7.2 and 1.7.6 alike)
assumes e_phoff == sizeof(Elf64_Ehdr) and fails with "Can't get the number of PT_LOAD".
Moving the program headers down to 64 only touches the header area: every segment keeps
its file offset. Never run this on a dump kdive reads; formats.sh runs it on a copy.
"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")


def main(path):
    with open(path, "r+b") as f:
        head = f.read(EHDR.size)
        (ident, etype, mach, ver, entry, phoff, shoff, flags, ehsize, phentsize, phnum,
         shentsize, shnum, shstrndx) = EHDR.unpack(head)
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            sys.exit(f"{path}: not a little-endian ELF64 file")
        if phoff == EHDR.size:
            return  # already in the expected layout
        if phnum == 0xFFFF or phnum == 0:
            sys.exit(f"{path}: extended program header count (PN_XNUM) is not supported")
        f.seek(phoff)
        phdrs = f.read(phentsize * phnum)
        end = max(phoff + len(phdrs), EHDR.size + len(phdrs))
        # No segment may start inside the header area we rewrite.
        for i in range(phnum):
            p_offset = struct.unpack_from("<Q", phdrs, i * phentsize + 8)[0]
            if p_offset < end:
                sys.exit(f"{path}: segment {i} starts at {p_offset}, inside the headers")
        f.seek(0)
        f.write(EHDR.pack(ident, etype, mach, ver, entry, EHDR.size, 0, flags, ehsize,
                          phentsize, phnum, shentsize, 0, 0))
        f.write(phdrs)
        f.write(b"\0" * (end - EHDR.size - len(phdrs)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: elf-phdrs-first.py ELF")
    main(sys.argv[1])
