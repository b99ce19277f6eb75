namespace GitLabBus.Tests.Consumers.Embeddings;

/// <summary>
/// Pairs of work item titles labelled by hand for this project: the same work said twice (<see cref="Duplicates"/>), related work
/// that is not the same item (<see cref="NearDuplicates"/>), and work that has nothing to do with each other
/// (<see cref="Unrelated"/>), in the words teams write in a backlog.
/// </summary>
public static class TitlePairs
{
    public static readonly (string, string)[] Duplicates =
    [
        ("Rotate service keys", "Update all service authentication keys"),
        ("Login page times out after 30 seconds", "Sign-in page hits a timeout after half a minute"),
        ("Cart total ignores discounts", "Discounts are not applied to the cart total"),
        ("Checkout page slow on mobile", "Checkout is very slow on phones"),
        ("Add dark mode to the dashboard", "Dashboard should support a dark theme"),
        ("Product images missing alt text", "Add alt text to product images"),
        ("Password reset email never arrives", "Users do not receive the password reset e-mail"),
        ("Upgrade PostgreSQL to version 16", "Move the database to Postgres 16"),
        ("Search products by tag", "Filter product search results by tags"),
        ("Export orders as CSV", "Download the order list as a CSV file"),
        ("Crash when uploading a large avatar", "App crashes on big profile picture upload"),
        ("Add two-factor authentication", "Support 2FA for user accounts"),
        ("Invoice PDF shows the wrong VAT rate", "Wrong VAT percentage printed on invoice PDFs"),
        ("Translate the settings page into German", "German translation for the settings screen"),
        ("Nightly backup job fails silently", "The nightly backup fails without any alert"),
        ("Reduce Docker image size", "Make the container image smaller"),
        ("Add rate limiting to the public API", "Throttle requests to the public API"),
        ("Typo-tolerant product search", "Product search should tolerate spelling mistakes"),
        ("Show order history on the profile page", "Profile page should list past orders"),
        ("Memory leak in the image resizer", "Image resize worker keeps leaking memory"),
        ("Send a receipt email after payment", "Email the customer a receipt once payment succeeds"),
        ("Allow users to delete their account", "Users should be able to remove their account"),
    ];

    public static readonly (string, string)[] NearDuplicates =
    [
        ("Add dark mode to the dashboard", "Add a high-contrast mode to the dashboard"),
        ("Export orders as CSV", "Import orders from a CSV file"),
        ("Upgrade PostgreSQL to version 16", "Upgrade Redis to version 7"),
        ("Login page times out after 30 seconds", "Logout button does nothing"),
        ("Add two-factor authentication", "Add single sign-on with SAML"),
        ("Cart total ignores discounts", "Discount codes cannot be combined"),
        ("Translate the settings page into German", "Translate the settings page into French"),
        ("Send a receipt email after payment", "Send a reminder email for abandoned carts"),
        ("Reduce Docker image size", "Speed up the Docker build"),
        ("Search products by tag", "Sort products by price"),
        ("Nightly backup job fails silently", "Restore a backup into the staging database"),
        ("Show order history on the profile page", "Show wish list on the profile page"),
        ("Crash when uploading a large avatar", "Allow cropping the avatar before upload"),
        ("Memory leak in the image resizer", "Image resizer produces blurry thumbnails"),
        ("Add rate limiting to the public API", "Document the public API"),
        ("Password reset email never arrives", "Password rules are too strict"),
        ("Allow users to delete their account", "Allow users to change their email address"),
        ("Invoice PDF shows the wrong VAT rate", "Add the company logo to invoice PDFs"),
    ];

    public static readonly (string, string)[] Unrelated =
    [
        ("Rotate service keys", "Product images missing alt text"),
        ("Login page times out after 30 seconds", "Export orders as CSV"),
        ("Cart total ignores discounts", "Translate the settings page into German"),
        ("Checkout page slow on mobile", "Rotate service keys"),
        ("Add dark mode to the dashboard", "Nightly backup job fails silently"),
        ("Password reset email never arrives", "Reduce Docker image size"),
        ("Upgrade PostgreSQL to version 16", "Add alt text to product images"),
        ("Search products by tag", "Memory leak in the image resizer"),
        ("Crash when uploading a large avatar", "Invoice PDF shows the wrong VAT rate"),
        ("Add two-factor authentication", "Typo-tolerant product search"),
        ("Show order history on the profile page", "Add rate limiting to the public API"),
        ("Send a receipt email after payment", "Upgrade PostgreSQL to version 16"),
        ("Allow users to delete their account", "Checkout page slow on mobile"),
        ("Update README with setup steps", "Cart total ignores discounts"),
        ("Plugin loader crashes on empty config", "Add express checkout button"),
        ("Document the plugin API", "Password reset email never arrives"),
        ("Accessibility audit of the shop", "Nightly backup job fails silently"),
        ("Catalog search", "Rotate service keys"),
        ("Reduce Docker image size", "Show order history on the profile page"),
        ("Export orders as CSV", "Add two-factor authentication"),
        ("Memory leak in the image resizer", "Translate the settings page into German"),
        ("Invoice PDF shows the wrong VAT rate", "Login page times out after 30 seconds"),
    ];
}
