"""Writes a small synthetic chat corpus in the plain template's layout (User: / Assistant: lines, dialogues
separated by a blank line), to train a tiny char model that answers in that layout (docs/chat.md)."""
import random
import sys

random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
NAMES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
COLOURS = {"sky": "blue", "grass": "green", "snow": "white", "sun": "yellow", "night": "black", "blood": "red"}
ANIMALS = {"cat": "meows", "dog": "barks", "cow": "moos", "duck": "quacks", "lion": "roars", "owl": "hoots"}
GREETINGS = [("Hello!", "Hello! How can I help you?"), ("Hi.", "Hi there. What would you like to know?"),
             ("Good morning.", "Good morning to you too."), ("Thanks!", "You are welcome."),
             ("Bye.", "Goodbye, have a nice day.")]


def turn():
    kind = random.randrange(5)
    if kind == 0:
        a, b = random.randrange(1, 6), random.randrange(1, 5)
        return f"What is {NAMES[a - 1]} plus {NAMES[b - 1]}?", f"{NAMES[a - 1].capitalize()} plus {NAMES[b - 1]} is {NAMES[a + b - 1]}."
    if kind == 1:
        thing = random.choice(list(COLOURS))
        return f"What colour is the {thing}?", f"The {thing} is {COLOURS[thing]}."
    if kind == 2:
        animal = random.choice(list(ANIMALS))
        return f"What does a {animal} say?", f"A {animal} {ANIMALS[animal]}."
    if kind == 3:
        n = random.randrange(2, 6)
        return f"Count to {NAMES[n - 1]}.", " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(NAMES[:n])) + "."
    return random.choice(GREETINGS)


with open(sys.argv[1], "w") as out:
    for _ in range(6000):
        if random.random() < 0.3:
            out.write("You are a helpful assistant.\n\n")
        for _ in range(random.randrange(1, 4)):
            q, a = turn()
            out.write(f"User: {q}\nAssistant: {a}\n")
        out.write("\n")
