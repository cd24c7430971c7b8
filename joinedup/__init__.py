"""joinedup: partnership working in mental health across health, social care and the VCSE."""
