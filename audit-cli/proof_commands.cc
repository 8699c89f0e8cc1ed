#include "audit-cli/proof_commands.h"

#include "audit-cli/audit_examples.h"

namespace wit {
namespace {

CLI::App* AddVerify(CLI::App& app, ProofFlags* f, const SourceFlagsFn& add_source_flags) {
  CLI::App* verify = app.add_subcommand(
      "verify", "recompute each stream's Merkle tree and check it against signed checkpoints");
  add_source_flags(verify);
  verify
      ->add_option("--checkpoint", f->verify.checkpoint_files,
                   "a signed checkpoint (GET /api/log/checkpoint) to check, or a dir of them "
                   "(a witness's state dir); repeatable")
      ->check(CLI::ExistingPath);
  verify->add_option("--public-key", f->verify.public_key,
                     "the key that signed them (witd log public-key), or a file holding it");
  verify->add_option(
      "--server", f->verify.server,
      "witd's URL: its inclusion proofs name the first record that differs (default: the view's)");
  verify->footer(kVerifyExamples);
  return verify;
}

CLI::App* AddProve(CLI::App& app, ProofFlags* f, const SourceFlagsFn& add_source_flags) {
  CLI::App* prove =
      app.add_subcommand("prove", "write a self-contained proof of one event's place in the log");
  add_source_flags(prove);
  prove->add_option("--event-id", f->prove.event_id, "the event's eventId")->required();
  prove
      ->add_option("--checkpoint", f->prove.checkpoint_files,
                   "signed checkpoints to prove against (the smallest that covers the event)")
      ->check(CLI::ExistingFile);
  prove->add_option("--server", f->prove.server, "else witd's URL, for its latest checkpoint");
  prove->add_option("--out", f->prove.out_file, "write the bundle here (default stdout)");
  prove->footer(kProveExamples);
  return prove;
}

CLI::App* AddVerifyProof(CLI::App& app, ProofFlags* f) {
  CLI::App* vp = app.add_subcommand("verify-proof", "check a proof bundle with the log's key only");
  vp->add_option("FILE", f->proof_file, "the bundle (wit-audit prove)")->required();
  vp->add_option("--public-key", f->public_key, "the log's key (witd log public-key), or a file")
      ->required();
  vp->footer(kProveExamples);
  return vp;
}

CLI::App* AddWitness(CLI::App& app, ProofFlags* f) {
  CLI::App* w = app.add_subcommand(
      "witness", "check that the log's checkpoints only ever extend each other, and cosign them");
  w->add_option("--server", f->witness.server, "witd's URL")->required();
  w->add_option("--state", f->witness.state_dir, "the witness's state dir")->required();
  w->add_option("--public-key", f->witness.public_key,
                "the log's key or a file holding it (the first run; kept in the state dir)");
  w->add_option("--name", f->witness.name, "the witness's name in its cosignatures");
  w->add_option("--interval", f->witness.interval_seconds,
                "check every S seconds until interrupted (default: once)")
      ->check(CLI::NonNegativeNumber);
  w->footer(kWitnessExamples);
  return w;
}

}  // namespace

ProofCommands DefineProofCommands(CLI::App& app, ProofFlags* f,
                                  const SourceFlagsFn& add_source_flags) {
  ProofCommands c;
  c.verify = AddVerify(app, f, add_source_flags);
  c.prove = AddProve(app, f, add_source_flags);
  c.verify_proof = AddVerifyProof(app, f);
  c.witness = AddWitness(app, f);
  return c;
}

}  // namespace wit
