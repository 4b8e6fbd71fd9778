"""Program stage: clips and jingles -> one finished program at the station rate."""
