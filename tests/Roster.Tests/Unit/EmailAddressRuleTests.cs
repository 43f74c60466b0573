using Roster.Features.Accounts;

namespace Roster.Tests.Unit;

/// <summary>
/// The one email-address rule (<see cref="EmailAddresses"/>), case by case: the addresses of issue 7 that were saved
/// and then refused by the mail library, display names and lists, control characters, lengths, quoted local parts and
/// internationalised addresses (refused: one spelling per mailbox; a Unicode domain is typed in its ASCII form).
/// </summary>
public sealed class EmailAddressRuleTests
{
    public static TheoryData<string> Refused => new()
    {
        "",
        "   ",
        "name@example.test..",
        ".name@example.test",
        "name.@example.test",
        "a..b@example.test",
        "name@.example.test",
        "name@example..test",
        "name@example.test.",
        "Bob <bob@example.test>",
        "<bob@example.test>",
        "\"Bob\" <bob@example.test>",
        "bob@example.test (Bob)",
        "a@b.test, c@d.test",
        "a@b.test; c@d.test",
        "group: a@b.test;",
        "<@route.test:bob@example.test>",
        "a@b",
        "name@localhost",
        "name@",
        "@example.test",
        "name",
        "name@@example.test",
        "a@b@example.test",
        "na\0me@example.test",
        "name@example.test\0",
        "na\u0001me@example.test",
        "na\u007fme@example.test",
        "na\tme@example.test",
        "na me@example.test",
        "name@exa mple.test",
        "name\r\n@example.test",
        "\"a b\"@example.test",
        "\"name\"@example.test",
        "\"a..b\"@example.test",
        "name@[127.0.0.1]",
        "name@-example.test",
        "name@example-.test",
        "name@ex_ample.test",
        "name@" + new string('b', 64) + ".test",
        "jörg@example.test",
        "name@bücher.example",
        "name@exаmple.test", // a Cyrillic а
        new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 57) + ".test", // 255 characters
    };

    public static TheoryData<string, string> Accepted => new()
    {
        { "name@example.test", "name@example.test" },
        { "  name@example.test  ", "name@example.test" },
        { "name@example.test\u00a0", "name@example.test" }, // trimmed like any white space around it
        { "first.last@sub.example.test", "first.last@sub.example.test" },
        { "Name+tag@Example.TEST", "Name+tag@Example.TEST" },
        { "o'brien@example.test", "o'brien@example.test" },
        { "a_b-c@ex-ample.test", "a_b-c@ex-ample.test" },
        { "name@xn--bcher-kva.example", "name@xn--bcher-kva.example" },
        { new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 56) + ".test", new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 56) + ".test" }, // 254 characters
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_addresses_parse_to_null(string input)
    {
        Assert.Null(EmailAddresses.Parse(input));
        Assert.False(EmailAddresses.IsDeliverable(input));
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_addresses_parse_to_the_trimmed_input(string input, string expected)
    {
        Assert.Equal(expected, EmailAddresses.Parse(input));
        Assert.True(EmailAddresses.IsDeliverable(input));
        Assert.True(EmailAddresses.Parse(input)!.Length <= EmailAddresses.MaxLength);
    }

    [Fact]
    public void No_address_parses_to_null()
    {
        Assert.Null(EmailAddresses.Parse(null));
        Assert.False(EmailAddresses.IsDeliverable(null));
    }

    [Fact]
    public void Every_accepted_address_is_one_the_mail_library_builds_a_message_to()
    {
        foreach (var address in new[] { "name@example.test", "first.last@sub.example.test", "Name+tag@Example.TEST", "o'brien@example.test", "name@xn--bcher-kva.example" })
        {
            var message = new MimeKit.MimeMessage();
            message.To.Add(MimeKit.MailboxAddress.Parse(EmailAddresses.Parse(address)!));
            Assert.Equal(address, message.To.Mailboxes.Single().GetAddress(idnEncode: true));
        }
    }
}
