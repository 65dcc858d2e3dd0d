from .cli import main

# Guarded: a helper process (the leak scan's) imports this module again, and must not run it.
if __name__ == "__main__":
    main()
