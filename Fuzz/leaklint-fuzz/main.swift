// Placeholder: the libFuzzer entry point lands with the Go tokenizer.
print("leaklint-fuzz")
