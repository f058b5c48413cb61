-- One statement per check (issue 14): a check is a conditional INSERT of the history row; these
-- triggers move the watermark in the same statement. Only rows signed here (imported = 0) move it:
-- an interchange import sets its watermarks itself. The INSERT's WHERE admits a row only above the
-- watermark, so the new values are the maximum.
CREATE TRIGGER signed_blocks_watermark AFTER INSERT ON signed_blocks WHEN NOT NEW.imported
BEGIN
  UPDATE validators SET block_slot = NEW.slot, block_root = NEW.signing_root WHERE id = NEW.validator_id;
END;

CREATE TRIGGER signed_attestations_watermark AFTER INSERT ON signed_attestations WHEN NOT NEW.imported
BEGIN
  UPDATE validators SET att_source = NEW.source_epoch, att_target = NEW.target_epoch, att_root = NEW.signing_root
  WHERE id = NEW.validator_id;
END;
