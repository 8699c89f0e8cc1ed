// tlog_reference checks the ledger's transparency-log formats against implementations that
// are not ours: its Merkle tree against transparency-dev/merkle (Certificate Transparency's, in
// Go) and that module's RFC 6962 test vectors, its signed checkpoints against Go's checksum
// database note package (golang.org/x/mod/sumdb/note).
//
//	tlog_reference note VKEY FILE  opens the signed note in FILE with the verifier key VKEY
//	                               and prints its text; exits 1 when it does not verify.
//	tlog_reference cosig VKEY FILE the same for a witness's cosignature (C2SP
//	                               tlog-cosignature, Ed25519 cosignature/v1: key type 0x04),
//	                               written here from the spec over Go's crypto/ed25519; prints
//	                               the cosignature's time, then the text.
//
//	tlog_reference leaves N    prints N leaf inputs in hex, one a line: the module's test
//	                             inputs (testonly.LeafInputs), then "leaf-8", "leaf-9", ...
//	tlog_reference check FILE  checks what our code computed over those leaves, lines of
//	                               root SIZE HASH
//	                               inclusion INDEX SIZE HASH,HASH,...
//	                               consistency FROM TO HASH,HASH,...
//	                             (hashes in hex): each root against the module's tree (and the
//	                             RFC 6962 roots of sizes 0 to 8), each proof with the module's
//	                             verifier and against the module's own proof. Exits 1 at the
//	                             first disagreement.
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"golang.org/x/mod/sumdb/note"
)

func leaves(n int) [][]byte {
	out := testonly.LeafInputs()
	for i := len(out); i < n; i++ {
		out = append(out, []byte(fmt.Sprintf("leaf-%d", i)))
	}
	return out[:n]
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlog_reference: "+format+"\n", args...)
	os.Exit(1)
}

func hashes(field string) [][]byte {
	var out [][]byte
	if field == "-" {
		return out
	}
	for _, h := range strings.Split(field, ",") {
		b, err := hex.DecodeString(h)
		if err != nil {
			fail("bad hash %q", h)
		}
		out = append(out, b)
	}
	return out
}

func equal(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func number(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		fail("bad number %q", s)
	}
	return n
}

func check(file string, n int) {
	in, err := os.Open(file)
	if err != nil {
		fail("%v", err)
	}
	h := rfc6962.DefaultHasher
	tree := testonly.New(h)
	tree.AppendData(leaves(n)...)
	rfc := testonly.RootHashes()
	var roots, inclusions, consistencies, rfcRoots int
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		switch {
		case len(f) == 3 && f[0] == "root":
			size := number(f[1])
			got := hashes(f[2])[0]
			if !bytes.Equal(got, tree.HashAt(size)) {
				fail("root of size %d: ours %x, the module's %x", size, got, tree.HashAt(size))
			}
			if size < uint64(len(rfc)) {
				if !bytes.Equal(got, rfc[size]) {
					fail("root of size %d is not RFC 6962's %x", size, rfc[size])
				}
				rfcRoots++
			}
			roots++
		case len(f) == 4 && f[0] == "inclusion":
			index, size := number(f[1]), number(f[2])
			p := hashes(f[3])
			if err := proof.VerifyInclusion(h, index, size, tree.LeafHash(index), p, tree.HashAt(size)); err != nil {
				fail("inclusion proof of %d in %d does not verify: %v", index, size, err)
			}
			want, err := tree.InclusionProof(index, size)
			if err != nil || !equal(p, want) {
				fail("inclusion proof of %d in %d differs from the module's", index, size)
			}
			inclusions++
		case len(f) == 4 && f[0] == "consistency":
			from, to := number(f[1]), number(f[2])
			p := hashes(f[3])
			if err := proof.VerifyConsistency(h, from, to, p, tree.HashAt(from), tree.HashAt(to)); err != nil {
				fail("consistency proof from %d to %d does not verify: %v", from, to, err)
			}
			want, err := tree.ConsistencyProof(from, to)
			if err != nil || !equal(p, want) {
				fail("consistency proof from %d to %d differs from the module's", from, to)
			}
			consistencies++
		default:
			fail("bad line %q", lines.Text())
		}
	}
	if rfcRoots == 0 {
		fail("no root of a size RFC 6962's vectors cover (0 to %d)", len(rfc)-1)
	}
	fmt.Printf("ok: %d roots (%d of them RFC 6962 vectors), %d inclusion proofs, %d consistency proofs\n",
		roots, rfcRoots, inclusions, consistencies)
}

func openNote(vkey, file string) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	msg, err := os.ReadFile(file)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("note does not verify: %v", err)
	}
	fmt.Print(n.Text)
}

// cosigVerifier is a note.Verifier for a cosignature/v1 key: the signature is a timestamp
// (8 bytes, big-endian) and an Ed25519 signature of "cosignature/v1\ntime T\n" || text.
type cosigVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
	time uint64
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	if !ed25519.Verify(v.key, signed, sig[8:]) {
		return false
	}
	v.time = t
	return true
}

func openCosigned(vkey, file string) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		fail("verifier key: not name+hash+key")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 33 || key[0] != 0x04 {
		fail("verifier key: not a cosignature/v1 key")
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
	hash := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", hash) != parts[1] {
		fail("verifier key: its hash is not its name's and key's")
	}
	v := &cosigVerifier{name: parts[0], hash: hash, key: ed25519.PublicKey(key[1:])}
	msg, err := os.ReadFile(file)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("cosignature does not verify: %v", err)
	}
	fmt.Printf("time %d\n%s", v.time, n.Text)
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "leaves" {
		for _, l := range leaves(int(number(os.Args[2]))) {
			fmt.Println(hex.EncodeToString(l))
		}
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "check" {
		check(os.Args[2], int(number(os.Args[3])))
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "note" {
		openNote(os.Args[2], os.Args[3])
		return
	}
	if len(os.Args) == 4 && os.Args[1] == "cosig" {
		openCosigned(os.Args[2], os.Args[3])
		return
	}
	fail("usage: tlog_reference leaves N | check FILE N | note VKEY FILE | cosig VKEY FILE")
}
