module wit.example/merkle_reference

go 1.19

require github.com/transparency-dev/merkle v0.0.2
