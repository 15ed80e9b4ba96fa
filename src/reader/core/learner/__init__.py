"""What the learner owns and does: vocabulary, statuses, study, positions, stats."""
