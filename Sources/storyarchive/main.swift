print("storyarchive")
