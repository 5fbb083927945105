print("leaklint")
